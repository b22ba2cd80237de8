// The marketplace fulfillment app's settings: off unless configured. A transactable offer's
// technical configuration (Partner Center) names the publisher's Microsoft Entra tenant and an
// Entra app that calls the SaaS Fulfillment API v2; Microsoft recommends a single-tenant app
// separate from the multi-tenant sign-in app, hence variables of its own.
//
// lib/config.ts spreads `marketplaceShape` into its schema, checks `requireCompleteMarketplace`
// and sets `marketplace: marketplaceConfigOf(parsed)`; `parseMarketplaceConfig(env)` parses these
// variables alone (tests, scripts).
import { createPrivateKey } from "node:crypto";
import { z } from "zod";
import { ConfigError } from "../config-error";
import { GUID } from "../guid";

export const DEFAULT_MARKETPLACE_API_URL = "https://marketplaceapi.microsoft.com/api";

/**
 * The fulfillment app npm run dev registers in the local marketplace's publisher tenant (the
 * emulator's "Adatum Software"), as LOCAL_EMULATOR_CLIENT_ID is the sign-in app's.
 */
export const LOCAL_MARKETPLACE_CLIENT_ID = "8e3f6a2d-9b4c-4d7e-a1f5-6c2b9d8e7f04";

export type MarketplaceCredential =
  | { kind: "secret"; secret: string }
  | {
      kind: "certificate";
      /** PEM, unencrypted (PKCS#8 or PKCS#1 RSA). */
      privateKey: string;
      /** Lowercase hex; 64 digits for SHA-256, 40 for the SHA-1 thumbprint the Entra portal shows. */
      thumbprint: string;
      thumbprintAlgorithm: "sha256" | "sha1";
    };

export type MarketplaceConfig = {
  /** The publisher's Microsoft Entra tenant: where the fulfillment app's tokens come from. */
  tenantId: string;
  /** The fulfillment app (technical configuration's "Microsoft Entra application ID"). */
  clientId: string;
  credential: MarketplaceCredential;
  /** e.g. https://marketplaceapi.microsoft.com/api, no trailing slash. */
  apiUrl: string;
};

/** An empty value means "not set": .env files often carry `NAME=` lines (as in lib/config.ts). */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === "" ? undefined : value), schema.optional());
}

const PRIVATE_KEY_BLOCK = /-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END \1?PRIVATE KEY-----/;

/**
 * The private key block of a PEM (a file holding the certificate too is fine). Hosts often keep a
 * multi-line value with literal `\n`: those become line breaks.
 */
const privateKeyPem = z
  .string()
  .transform((value) => value.replace(/\\n/g, "\n").match(PRIVATE_KEY_BLOCK)?.[0] ?? "")
  .refine((pem) => {
    if (!pem) return false;
    try {
      // Entra ID accepts RSA keys for client assertions; MSAL signs with this key.
      return createPrivateKey(pem).asymmetricKeyType === "rsa";
    } catch {
      return false; // damaged, or encrypted (MSAL has no passphrase to give)
    }
  }, "expected the fulfillment app certificate's RSA private key, PEM, unencrypted (-----BEGIN PRIVATE KEY----- ...)");

const thumbprint = z
  .string()
  .transform((value) => value.replace(/[\s:]/g, "").toLowerCase())
  .refine(
    (value) => /^([0-9a-f]{40}|[0-9a-f]{64})$/.test(value),
    "expected the certificate's thumbprint in hex: 64 digits (SHA-256) or 40 (SHA-1, as the Entra portal shows it)",
  );

const httpsApiUrl = z
  .string()
  .trim()
  .refine((value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    // The publisher's bearer token goes there: https only, and no credentials, query or fragment.
    return url.protocol === "https:" && !url.username && !url.password && !url.search && !url.hash;
  }, `expected an https:// URL such as ${DEFAULT_MARKETPLACE_API_URL}`);

export const marketplaceShape = {
  MARKETPLACE_TENANT_ID: optional(
    z.string().trim().regex(GUID, "expected the publisher's Microsoft Entra tenant id, a GUID"),
  ),
  MARKETPLACE_CLIENT_ID: optional(
    z.string().trim().regex(GUID, "expected the fulfillment app's client id (application id), a GUID"),
  ),
  MARKETPLACE_CLIENT_SECRET: optional(z.string().trim().min(1)),
  MARKETPLACE_CLIENT_CERTIFICATE: optional(privateKeyPem),
  MARKETPLACE_CLIENT_CERTIFICATE_THUMBPRINT: optional(thumbprint),
  MARKETPLACE_API_URL: optional(httpsApiUrl),
};

export const MARKETPLACE_SETTINGS = Object.keys(marketplaceShape) as (keyof typeof marketplaceShape)[];

type MarketplaceEnv = Partial<Record<keyof typeof marketplaceShape, string>>;

/**
 * Off unless configured: no MARKETPLACE_* variable, no marketplace. Any of them set means the
 * operator meant to turn it on, so every missing one is named (a half-configured marketplace
 * would fail only when the first customer buys). Exactly one credential: a secret, or a
 * certificate with its thumbprint.
 */
export function requireCompleteMarketplace(env: MarketplaceEnv, ctx: z.RefinementCtx): void {
  const set = MARKETPLACE_SETTINGS.filter((name) => env[name] !== undefined);
  if (set.length === 0) return;
  const because = `the marketplace is configured (${set.join(", ")} set)`;
  const missing = (name: keyof MarketplaceEnv, what: string) =>
    ctx.addIssue({ code: "custom", path: [name], message: `required: ${because} and needs ${what}` });

  if (env.MARKETPLACE_TENANT_ID === undefined) {
    missing(
      "MARKETPLACE_TENANT_ID",
      "the publisher's Microsoft Entra tenant id (Partner Center technical configuration)",
    );
  }
  if (env.MARKETPLACE_CLIENT_ID === undefined) {
    missing("MARKETPLACE_CLIENT_ID", "the fulfillment app's client id (Partner Center technical configuration)");
  }
  const secret = env.MARKETPLACE_CLIENT_SECRET !== undefined;
  const certificate = env.MARKETPLACE_CLIENT_CERTIFICATE !== undefined;
  const thumbprintSet = env.MARKETPLACE_CLIENT_CERTIFICATE_THUMBPRINT !== undefined;
  if (secret && (certificate || thumbprintSet)) {
    ctx.addIssue({
      code: "custom",
      path: ["MARKETPLACE_CLIENT_SECRET"],
      message:
        "set MARKETPLACE_CLIENT_SECRET or MARKETPLACE_CLIENT_CERTIFICATE with MARKETPLACE_CLIENT_CERTIFICATE_THUMBPRINT, not both",
    });
  } else if (!secret && !certificate && !thumbprintSet) {
    missing(
      "MARKETPLACE_CLIENT_SECRET",
      "the fulfillment app's client secret (or MARKETPLACE_CLIENT_CERTIFICATE with MARKETPLACE_CLIENT_CERTIFICATE_THUMBPRINT)",
    );
  } else if (certificate && !thumbprintSet) {
    missing("MARKETPLACE_CLIENT_CERTIFICATE_THUMBPRINT", "the thumbprint of MARKETPLACE_CLIENT_CERTIFICATE");
  } else if (thumbprintSet && !certificate) {
    missing(
      "MARKETPLACE_CLIENT_CERTIFICATE",
      "the private key of the certificate MARKETPLACE_CLIENT_CERTIFICATE_THUMBPRINT names",
    );
  }
}

const marketplaceSchema = z.object(marketplaceShape).superRefine(requireCompleteMarketplace, { when: () => true });

/** The settings from variables already checked by `requireCompleteMarketplace`; null when off. */
export function marketplaceConfigOf(parsed: z.infer<typeof marketplaceSchema>): MarketplaceConfig | null {
  if (!parsed.MARKETPLACE_TENANT_ID || !parsed.MARKETPLACE_CLIENT_ID) return null;
  const credential: MarketplaceCredential | null = parsed.MARKETPLACE_CLIENT_SECRET
    ? { kind: "secret", secret: parsed.MARKETPLACE_CLIENT_SECRET }
    : parsed.MARKETPLACE_CLIENT_CERTIFICATE && parsed.MARKETPLACE_CLIENT_CERTIFICATE_THUMBPRINT
      ? {
          kind: "certificate",
          privateKey: parsed.MARKETPLACE_CLIENT_CERTIFICATE,
          thumbprint: parsed.MARKETPLACE_CLIENT_CERTIFICATE_THUMBPRINT,
          thumbprintAlgorithm: parsed.MARKETPLACE_CLIENT_CERTIFICATE_THUMBPRINT.length === 64 ? "sha256" : "sha1",
        }
      : null;
  if (!credential) return null;
  return {
    tenantId: parsed.MARKETPLACE_TENANT_ID.toLowerCase(),
    clientId: parsed.MARKETPLACE_CLIENT_ID.toLowerCase(),
    credential,
    apiUrl: (parsed.MARKETPLACE_API_URL ?? DEFAULT_MARKETPLACE_API_URL).replace(/\/+$/, ""),
  };
}

/**
 * The marketplace settings alone: null when no MARKETPLACE_* variable is set. Throws ConfigError
 * naming every wrong or missing variable, never repeating a value (it may be a secret).
 */
export function parseMarketplaceConfig(env: Record<string, string | undefined>): MarketplaceConfig | null {
  const result = marketplaceSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`),
    );
  }
  return marketplaceConfigOf(result.data);
}
