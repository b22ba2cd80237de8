// The fulfillment app's access token for the SaaS Fulfillment API v2: client credentials at the
// publisher's own tenant authority (https://<authority host>/<publisher tenant id>, never
// /common), for the marketplace resource 20e940b3-4c77-4b0b-9a53-9e16a1b010a7 ("Register a SaaS
// application": get the publisher's authorization token). MSAL as in lib/entra/msal.ts: no
// instance discovery, tokens cached in the database (partition `marketplace:<tid>`).
//
// A refused credential (wrong or expired secret, unknown app) stops every activation and every
// bill. It is logged loudly and kept as the "fulfillment credential status" an operator page can
// show, rather than surfacing as a vague error on a customer's landing page.
import { ConfidentialClientApplication, type Configuration, type ICachePlugin } from "@azure/msal-node";
import { config } from "../config";
import { db } from "../db/client";
import { authorityBase, authorityMetadata } from "../entra/authority";
import { databaseCachePlugin } from "../entra/token-cache";
import type { MarketplaceConfig } from "./config";
import { MarketplaceAuthError, type MarketplaceAuthFailure } from "./errors";

/** The marketplace API's resource (application) id, the same in every publisher's tenant. */
export const MARKETPLACE_RESOURCE_ID = "20e940b3-4c77-4b0b-9a53-9e16a1b010a7";
export const MARKETPLACE_SCOPE = `${MARKETPLACE_RESOURCE_ID}/.default`;

export type FulfillmentCredentialStatus =
  { ok: true; checkedAt: Date } | { ok: false; code: string; message: string; checkedAt: Date };

/** What acquiring a token needs of MSAL's ConfidentialClientApplication (tests pass a fake). */
export type TokenClient = Pick<ConfidentialClientApplication, "acquireTokenByClientCredential">;

export type PublisherTokenOptions = {
  /** The MSAL client; by default one per publisher tenant and app, built on first use. */
  client?: () => Promise<TokenClient>;
  now?: () => Date;
  log?: Pick<Console, "error">;
};

// Next.js may load this module more than once per process (route bundles): the status lives on
// globalThis so the operator page reads what the fulfillment calls wrote.
const shared = globalThis as unknown as {
  marketplaceCredentialStatus?: FulfillmentCredentialStatus;
  marketplaceCredentialLogged?: { code: string; at: number };
};

/** The last attempt's outcome; undefined until the first token is asked for. */
export function fulfillmentCredentialStatus(): FulfillmentCredentialStatus | undefined {
  return shared.marketplaceCredentialStatus;
}

/** Entra ID's answers that mean "these settings are wrong" (Microsoft Entra authentication error codes). */
const REFUSALS: Record<
  string,
  { failure: MarketplaceAuthFailure; what: string; fix: "credential" | "client" | "tenant" }
> = {
  "7000215": { failure: "invalid-secret", what: "invalid client secret", fix: "credential" },
  "7000222": { failure: "expired-secret", what: "the client secret has expired", fix: "credential" },
  "700016": { failure: "unknown-app", what: "no such application in the publisher's tenant", fix: "client" },
  "7000112": { failure: "disabled-app", what: "the application is disabled", fix: "client" },
  "700027": {
    failure: "invalid-certificate",
    what: "the certificate is not one of the app's credentials",
    fix: "credential",
  },
  "90002": { failure: "unknown-tenant", what: "no such tenant", fix: "tenant" },
};

/** The variable the operator must fix for a refusal. */
function variableToFix(fix: "credential" | "client" | "tenant", settings: MarketplaceConfig): string {
  if (fix === "tenant") return "MARKETPLACE_TENANT_ID";
  if (fix === "client") return "MARKETPLACE_CLIENT_ID";
  return settings.credential.kind === "secret" ? "MARKETPLACE_CLIENT_SECRET" : "MARKETPLACE_CLIENT_CERTIFICATE";
}

/** The AADSTS number of an MSAL error: `errorNo` of a ServerError, else from its message. */
function aadstsNumber(error: unknown): string | null {
  const { errorNo, errorMessage, message } = (error ?? {}) as {
    errorNo?: unknown;
    errorMessage?: unknown;
    message?: unknown;
  };
  if (typeof errorNo === "string" && /^\d+$/.test(errorNo)) return errorNo;
  if (typeof errorNo === "number") return String(errorNo);
  const text = [errorMessage, message].filter((part) => typeof part === "string").join(" ");
  return text.match(/AADSTS(\d+)/)?.[1] ?? null;
}

/**
 * An MSAL failure as a MarketplaceAuthError whose message an operator can act on. Entra ID's own
 * description is not repeated (it names the app and carries trace ids); the code is.
 */
export function toMarketplaceAuthError(error: unknown, settings: MarketplaceConfig): MarketplaceAuthError {
  if (error instanceof MarketplaceAuthError) return error;
  const correlationId = (error as { correlationId?: unknown })?.correlationId;
  const correlation = typeof correlationId === "string" && correlationId ? correlationId : null;
  const number = aadstsNumber(error);
  if (number) {
    const known = REFUSALS[number];
    const code = `AADSTS${number}`;
    const variable = variableToFix(known?.fix ?? "credential", settings);
    const what = known?.what ?? "Entra ID refused the app's credentials";
    return new MarketplaceAuthError(
      `The marketplace fulfillment app's credentials were refused (${code}: ${what}). Customers cannot be activated or billed until ${variable} is fixed.`,
      { code, failure: known?.failure ?? "refused", variable, correlationId: correlation },
    );
  }
  const errorCode = (error as { errorCode?: unknown })?.errorCode;
  return new MarketplaceAuthError(
    `The marketplace fulfillment app could not get a token from Microsoft Entra ID (${typeof errorCode === "string" && errorCode ? errorCode : "no answer"}); marketplace calls fail until it can.`,
    { code: null, failure: "unreachable", variable: null, correlationId: correlation },
  );
}

/** MSAL's configuration for the fulfillment app: pure, so its security-relevant parts are tested. */
export function msalConfiguration(
  settings: MarketplaceConfig,
  parts: { authority: string; authorityMetadata: string; cachePlugin?: ICachePlugin },
): Configuration {
  const host = new URL(parts.authority).host;
  const { credential } = settings;
  return {
    auth: {
      clientId: settings.clientId,
      authority: parts.authority,
      ...(credential.kind === "secret"
        ? { clientSecret: credential.secret }
        : {
            clientCertificate:
              credential.thumbprintAlgorithm === "sha256"
                ? { thumbprintSha256: credential.thumbprint, privateKey: credential.privateKey }
                : { thumbprint: credential.thumbprint, privateKey: credential.privateKey },
          }),
      // The discovery document already read: no instance discovery round trip (lib/entra/msal.ts).
      knownAuthorities: [host],
      authorityMetadata: parts.authorityMetadata,
      cloudDiscoveryMetadata: JSON.stringify({
        tenant_discovery_endpoint: `${parts.authority}/v2.0/.well-known/openid-configuration`,
        "api-version": "1.1",
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      }),
    },
    cache: parts.cachePlugin ? { cachePlugin: parts.cachePlugin } : undefined,
  };
}

const clients = new Map<string, Promise<TokenClient>>();

function defaultClient(settings: MarketplaceConfig): Promise<TokenClient> {
  const key = `${settings.tenantId}/${settings.clientId}`;
  let client = clients.get(key);
  if (!client) {
    client = (async () => {
      const authority = `${authorityBase()}/${settings.tenantId}`;
      return new ConfidentialClientApplication(
        msalConfiguration(settings, {
          authority,
          authorityMetadata: (await authorityMetadata(settings.tenantId)).raw,
          cachePlugin: databaseCachePlugin(db, `marketplace:${settings.tenantId}`, config().tokenCacheKey),
        }),
      );
    })();
    clients.set(key, client);
    client.catch(() => clients.delete(key)); // a failed discovery is retried next time
  }
  return client;
}

/** A refusal is logged at once, then again every 5 minutes while it lasts (Microsoft retries webhooks for hours). */
const RELOG_MS = 5 * 60_000;

function record(status: FulfillmentCredentialStatus, log: Pick<Console, "error">): void {
  shared.marketplaceCredentialStatus = status;
  if (status.ok) {
    shared.marketplaceCredentialLogged = undefined;
    return;
  }
  const last = shared.marketplaceCredentialLogged;
  const at = status.checkedAt.getTime();
  if (last && last.code === status.code && at - last.at < RELOG_MS) return;
  shared.marketplaceCredentialLogged = { code: status.code, at };
  log.error(`[marketplace] ${status.message}`);
}

/**
 * `getToken` for createFulfillmentClient: the fulfillment app's token for the marketplace API,
 * from MSAL's cache while it is valid. Throws MarketplaceAuthError; records the outcome either way.
 */
export function publisherTokenSource(
  settings: MarketplaceConfig,
  options: PublisherTokenOptions = {},
): () => Promise<string> {
  const client = options.client ?? (() => defaultClient(settings));
  const now = options.now ?? (() => new Date());
  const log = options.log ?? console;
  return async () => {
    try {
      const result = await (await client()).acquireTokenByClientCredential({ scopes: [MARKETPLACE_SCOPE] });
      if (!result?.accessToken) throw new Error("Entra ID answered without an access token");
      record({ ok: true, checkedAt: now() }, log);
      return result.accessToken;
    } catch (error) {
      const failure = toMarketplaceAuthError(error, settings);
      record({ ok: false, code: failure.code ?? "unreachable", message: failure.message, checkedAt: now() }, log);
      throw failure;
    }
  };
}
