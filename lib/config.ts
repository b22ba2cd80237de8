// Every environment variable the app reads, parsed and validated in one place.
// A wrong value stops the server at start with a message that names the variable and what is
// expected (see instrumentation.ts); nothing else in the app reads process.env directly.
import { hkdfSync } from "node:crypto";
import { ConfigError } from "./config-error";
import {
  marketplaceConfigOf,
  marketplaceShape,
  requireCompleteMarketplace,
  type MarketplaceConfig,
} from "./marketplace/config";
import { z } from "zod";
import { GUID } from "./guid";

/** A trimmed string that parses as a URL for which `test` holds. */
function urlWhere(test: (url: URL) => boolean, message: string) {
  return z
    .string()
    .trim()
    .refine((value) => URL.canParse(value) && test(new URL(value)), message);
}

const postgresUrl = urlWhere(
  (url) => (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== "",
  "expected a PostgreSQL connection URL such as postgresql://user:password@host:5432/database?sslmode=require",
);

/** An empty value means "not set": .env files often carry `NAME=` lines. */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === "" ? undefined : value), schema.optional());
}

const httpUrl = urlWhere(
  (url) => ["http:", "https:"].includes(url.protocol),
  "expected the app's public URL, such as https://app.example.com",
);

/** An origin only: Auth.js would take a path for its own base path. */
const publicUrl = httpUrl.refine((value) => {
  if (!URL.canParse(value)) return true; // reported by httpUrl
  const url = new URL(value);
  return url.pathname === "/" && !url.search && !url.hash && !url.username;
}, "expected the app's origin only (scheme, host and port), such as https://app.example.com");

/**
 * The rules across variables run even when a variable is already wrong, so one start names every
 * problem at once; they read only what they need, and skip values already reported as malformed.
 */
const always = { when: () => true };

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

const entraIssuer = urlWhere(
  (url) => url.protocol === "https:" && /^\/[^/]+\/v2\.0\/?$/.test(url.pathname),
  "expected an https:// authority ending in /v2.0, such as https://login.microsoftonline.com/common/v2.0",
);

/** The client id `npm run dev` registers with the local Entra ID emulator (scripts/with-emulator.ts). */
export const LOCAL_EMULATOR_CLIENT_ID = "5d2b8c1e-7a4f-4e6b-9c3d-2a1b0f9e8d7c";

const ENTRA_SETTINGS = [
  "AUTH_MICROSOFT_ENTRA_ID_ID",
  "AUTH_MICROSOFT_ENTRA_ID_SECRET",
  "AUTH_MICROSOFT_ENTRA_ID_ISSUER",
] as const;

const integer = (min: number, max: number) =>
  z.coerce
    .number({ error: `expected a whole number from ${min} to ${max}` })
    .int(`expected a whole number from ${min} to ${max}`)
    .min(min, `expected a whole number from ${min} to ${max}`)
    .max(max, `expected a whole number from ${min} to ${max}`);

/** A name people read in the header, the footer, the legal pages and Entra's consent screen. */
const displayName = z
  .string()
  .trim()
  .min(1, "expected a name of 1 to 100 characters")
  .max(100, "expected a name of 1 to 100 characters")
  .regex(/^[^\p{Cc}]*$/u, "expected a name on one line, without control characters");

/**
 * The product and who sells it, as customers see them (lib/brand.ts). Read by the pages and by
 * `npm run entra:register` (the registration's display name), which has no sign-in settings.
 */
const brandShape = {
  PRODUCT_NAME: optional(displayName).default("AppSource SaaS Starter"),
  COMPANY_NAME: optional(displayName).default("Your company"),
  // Rendered into mailto: links (`mailto:${address}?subject=...`): an address only, no query.
  SUPPORT_EMAIL: optional(
    z
      .string()
      .trim()
      .pipe(z.email({ error: "expected an e-mail address, such as support@example.com" })),
  ).default("support@example.com"),
};

const brandSchema = z.object(brandShape);

/** What the database needs: enough for `npm run db:migrate` and `npm run tenants`. */
const databaseShape = {
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** Set by the hosts that cannot keep files between requests or instances. */
  VERCEL: optional(z.string()),
  WEBSITE_SITE_NAME: optional(z.string()),

  DATABASE_URL: optional(postgresUrl),
  /** A direct (not pooled) connection for migrations, as Vercel's Neon integration provides. */
  DATABASE_URL_UNPOOLED: optional(postgresUrl),
  DATABASE_POOL_MAX: optional(integer(1, 100)),
  DATABASE_CONNECT_TIMEOUT_MS: optional(integer(100, 60_000)).default(5_000),
  EMBEDDED_DB_DIR: optional(z.string().trim().min(1)).default(".data/pglite"),
};

type DatabaseEnv = { NODE_ENV: string; VERCEL?: string; WEBSITE_SITE_NAME?: string; DATABASE_URL?: string };

// The embedded database (PGlite) is for development: a folder on local disk, which serverless
// and multi-instance hosts lose or split between instances. Production names a PostgreSQL
// server (issue "Deploy": PGlite never runs there).
function requireDatabaseServer(env: DatabaseEnv, ctx: z.RefinementCtx): void {
  if (env.DATABASE_URL) return;
  const host = env.VERCEL ? "Vercel" : env.WEBSITE_SITE_NAME ? "Azure App Service" : undefined;
  if (host || env.NODE_ENV === "production") {
    ctx.addIssue({
      code: "custom",
      path: ["DATABASE_URL"],
      message: host
        ? `required on ${host}: the embedded database keeps its files on local disk, which ${host} does not keep`
        : "required in production: the embedded database (PGlite) is for development only",
    });
  }
}

const databaseSchema = z.object(databaseShape).superRefine(requireDatabaseServer, always);

const trialDays = optional(integer(1, 365)).default(30);
const operatorSchema = z.object({ ...databaseShape, TRIAL_DAYS: trialDays }).superRefine(requireDatabaseServer, always);

const schema = z
  .object({
    ...databaseShape,
    ...brandShape,

    AUTH_SECRET: z
      .string({ error: "required: a random secret of at least 32 characters (openssl rand -base64 32)" })
      .min(32, "expected a random secret of at least 32 characters (openssl rand -base64 32)"),
    AUTH_URL: optional(publicUrl),
    /** Set by the hosts: where the app is served when AUTH_URL is not set (see publicUrlOf). */
    VERCEL_ENV: optional(z.string()),
    VERCEL_URL: optional(z.string()),
    VERCEL_BRANCH_URL: optional(z.string()),
    VERCEL_PROJECT_PRODUCTION_URL: optional(z.string()),
    WEBSITE_HOSTNAME: optional(z.string()),
    // The Entra app registration: all three, or `npm run dev`, which gives the local emulator's.
    AUTH_MICROSOFT_ENTRA_ID_ID: optional(z.string().trim().regex(GUID, "expected the app's client id, a GUID")),
    AUTH_MICROSOFT_ENTRA_ID_SECRET: optional(z.string()),
    AUTH_MICROSOFT_ENTRA_ID_ISSUER: optional(entraIssuer),
    TRIAL_DAYS: trialDays,
    TRIAL_MODE: optional(z.enum(["customer", "partner"], { error: 'expected "customer" or "partner"' })).default(
      "customer",
    ),
    ALLOW_PERSONAL_ACCOUNTS: optional(z.enum(["true", "false"], { error: 'expected "true" or "false"' })).default(
      "false",
    ),
    SALES_CONTACT_URL: optional(
      httpUrl.or(
        z
          .string()
          .trim()
          .regex(/^mailto:\S+@\S+$/, "expected an https:// or mailto: address"),
      ),
    ),
    /** Microsoft Graph's base URL (a national cloud's, or the emulator's). */
    MICROSOFT_GRAPH_URL: optional(z.url({ protocol: /^https$/, error: "expected an https:// URL" })).default(
      "https://graph.microsoft.com",
    ),
    /**
     * How long each request to Microsoft Entra ID (and Graph) may take before the app gives up:
     * Auth.js's own requests get all of it, the app's key-set, discovery and Graph requests half.
     */
    ENTRA_TIMEOUT_MS: optional(integer(1_000, 60_000)).default(10_000),
    /** 32 bytes, base64: encrypts MSAL's token cache in the database. Default: derived from AUTH_SECRET. */
    TOKEN_CACHE_KEY: optional(
      z
        .string()
        .trim()
        .refine(
          (value) => Buffer.from(value, "base64").length === 32,
          "expected 32 random bytes in base64 (openssl rand -base64 32)",
        ),
    ),
    /** Set by scripts/with-emulator.ts when it points the app at the local Entra ID emulator. */
    ENTRA_EMULATOR: optional(z.enum(["1"], { error: 'expected "1" or nothing' })),
    // The transactable offer's fulfillment app (lib/marketplace/config.ts): off unless configured.
    ...marketplaceShape,
    /** Whether an admin of the beneficiary's organization may activate a purchase, not only its purchaser. */
    MARKETPLACE_BENEFICIARY_ADMINS_MAY_ACTIVATE: optional(
      z.enum(["true", "false"], { error: 'expected "true" or "false"' }),
    ).default("false"),
    /** Days an ended tenant's data is kept after the marketplace cancels its subscription. */
    MARKETPLACE_DATA_RETENTION_DAYS: optional(integer(1, 3650)).default(90),
    /** The ISV's own Entra tenant, whose people with the Operator app role run the operator console. */
    OPERATOR_TENANT_ID: optional(z.uuid({ error: "expected your publisher tenant's id (a GUID)" })),
    /** How long an operator's sign-in lasts before the console asks again (and reads the roles again). */
    OPERATOR_SESSION_MINUTES: optional(integer(5, 480)).default(30),
    /** The cron route's bearer secret (/api/jobs/run); Vercel Cron sends it as CRON_SECRET does. */
    CRON_SECRET: optional(
      z.string().min(16, "expected a random secret of at least 16 characters (openssl rand -hex 32)"),
    ),
    /** Whether this server process runs the job queue's worker; default on, except on Vercel. */
    JOB_WORKER: optional(z.enum(["on", "off"], { error: 'expected "on" or "off"' })),
    /** How long a stopping server lets its requests in flight finish (SIGTERM on scale-in and deploy). */
    SHUTDOWN_GRACE_SECONDS: optional(integer(1, 300)).default(8),
    /** Set by scripts/with-emulator.ts: the local marketplace's purchase page, linked in development. */
    MARKETPLACE_EMULATOR_URL: optional(
      urlWhere(
        (url) => ["http:", "https:"].includes(url.protocol),
        "expected the local marketplace's page, such as http://localhost:4010/marketplace",
      ),
    ),
  })
  .superRefine(requireDatabaseServer, always)
  .superRefine(requireCompleteMarketplace, always)
  .superRefine(requireEntraApp, always)
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== "production") return;
    if (env.AUTH_URL && !URL.canParse(env.AUTH_URL)) return; // already reported
    const url = publicUrlOf(env);
    if (!url) {
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_URL"],
        message:
          "required in production (outside Vercel and Azure App Service): the app's public URL, such as https://app.example.com; redirect URIs are built from it, never from request headers",
      });
    } else if (new URL(url).protocol !== "https:" && !LOOPBACK_HOSTS.has(new URL(url).hostname)) {
      // Entra ID accepts http:// redirect URIs for localhost only; cookies need https to be Secure.
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_URL"],
        message: "expected an https:// URL in production (http:// only for localhost)",
      });
    }
  }, always);

type EntraEnv = {
  NODE_ENV: string;
  ENTRA_EMULATOR?: string;
  AUTH_MICROSOFT_ENTRA_ID_ID?: string;
} & Partial<Record<(typeof ENTRA_SETTINGS)[number], string>>;

// Sign-in needs an Entra app registration. In development `npm run dev` supplies the local
// emulator's; in production only a real registration will do (issue "Deploy": the emulator never
// runs there).
function requireEntraApp(env: EntraEnv, ctx: z.RefinementCtx): void {
  const production = env.NODE_ENV === "production";
  for (const name of ENTRA_SETTINGS) {
    if (env[name] === undefined) {
      ctx.addIssue({
        code: "custom",
        path: [name],
        message: production
          ? "required in production: your Microsoft Entra app registration (README: Register the app in Microsoft Entra ID)"
          : "required: your Microsoft Entra app registration (see README), or run `npm run dev`, which starts the local Entra ID emulator",
      });
    }
  }
  if (!production) return;
  if (env.ENTRA_EMULATOR) {
    ctx.addIssue({
      code: "custom",
      path: ["ENTRA_EMULATOR"],
      message: "the local Entra ID emulator is for development only: unset it in production",
    });
  }
  if (env.AUTH_MICROSOFT_ENTRA_ID_ID === LOCAL_EMULATOR_CLIENT_ID) {
    ctx.addIssue({
      code: "custom",
      path: ["AUTH_MICROSOFT_ENTRA_ID_ID"],
      message: "this is the local emulator's app, not a Microsoft Entra app registration",
    });
  }
}

type HostEnv = {
  NODE_ENV: string;
  AUTH_URL?: string;
  VERCEL?: string;
  VERCEL_ENV?: string;
  VERCEL_URL?: string;
  VERCEL_BRANCH_URL?: string;
  VERCEL_PROJECT_PRODUCTION_URL?: string;
  WEBSITE_SITE_NAME?: string;
  WEBSITE_HOSTNAME?: string;
};

/**
 * The app's public origin: AUTH_URL, else what the host says it serves the app at (Vercel's
 * deployment URLs; App Service's default host name, always https). Never a request's Host or
 * X-Forwarded-* headers, which a client can write (../SECURITY.md "Deployment").
 */
function publicUrlOf(env: HostEnv): string | undefined {
  if (env.AUTH_URL) return new URL(env.AUTH_URL).origin;
  const host = env.VERCEL
    ? env.VERCEL_ENV === "production"
      ? (env.VERCEL_PROJECT_PRODUCTION_URL ?? env.VERCEL_URL)
      : (env.VERCEL_BRANCH_URL ?? env.VERCEL_URL)
    : env.WEBSITE_SITE_NAME
      ? env.WEBSITE_HOSTNAME
      : undefined;
  return host ? `https://${host}` : undefined;
}

export type Config = {
  nodeEnv: "development" | "production" | "test";
  brand: {
    /** PRODUCT_NAME */
    productName: string;
    /** COMPANY_NAME: the vendor, named in the footer and the legal pages. */
    companyName: string;
    /** SUPPORT_EMAIL */
    supportEmail: string;
  };
  auth: { secret: string; url?: string };
  trial: {
    days: number;
    /** customer: the first sign-in starts the trial; partner: the vendor approves it first. */
    mode: "customer" | "partner";
    allowPersonalAccounts: boolean;
    salesContactUrl?: string;
  };
  graphUrl: string;
  /** The SaaS Fulfillment API v2 settings; null when the marketplace is off. */
  marketplace: MarketplaceConfig | null;
  /** MARKETPLACE_BENEFICIARY_ADMINS_MAY_ACTIVATE */
  marketplaceBeneficiaryAdminsMayActivate: boolean;
  /** MARKETPLACE_DATA_RETENTION_DAYS */
  marketplaceDataRetentionDays: number;
  /** The operator console: null when no publisher tenant is configured (the console is off). */
  operators: { tenantId: string; sessionMinutes: number } | null;
  jobs: {
    /** CRON_SECRET: the cron route answers 404 without it. */
    cronSecret?: string;
    /** JOB_WORKER: whether this process runs the queue's worker. */
    worker: boolean;
  };
  /** SHUTDOWN_GRACE_SECONDS, in milliseconds: the bound of a graceful shutdown (lib/shutdown.ts). */
  shutdownGraceMs: number;
  /** The local marketplace's purchase page (npm run dev only). */
  marketplaceEmulatorUrl?: string;
  /** AES-256-GCM key of the token cache. */
  tokenCacheKey: Buffer;
  entra: {
    clientId: string;
    clientSecret: string;
    /** e.g. https://login.microsoftonline.com/common/v2.0 */
    issuer: string;
    /** True when the issuer is the local Entra ID emulator (npm run dev). */
    emulated: boolean;
    /** ENTRA_TIMEOUT_MS: each of Auth.js's requests to Entra ID gives up after this long. */
    timeoutMs: number;
    /** Half of it: each of the app's own requests (discovery, key sets, Graph). */
    lookupTimeoutMs: number;
  };
  database:
    | {
        kind: "postgres";
        url: string;
        /** Where migrations run: DATABASE_URL_UNPOOLED, else DATABASE_URL. */
        migrationUrl?: string;
        poolMax: number;
        connectTimeoutMs: number;
      }
    | {
        kind: "embedded";
        dataDir: string;
        connectTimeoutMs: number;
      };
};

export { ConfigError };

type Env = Record<string, string | undefined>;

function parseWith<T>(schemaToUse: z.ZodType<T>, env: Env): T {
  const result = schemaToUse.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.join(".") || "environment";
      // Never echo the value: it may be a secret (a database password, a client secret).
      return `${name}: ${issue.message}`;
    });
    throw new ConfigError(problems);
  }
  return result.data;
}

function databaseConfigOf(parsed: z.infer<typeof databaseSchema>): Config["database"] {
  return parsed.DATABASE_URL
    ? {
        kind: "postgres",
        url: parsed.DATABASE_URL,
        // A transaction pooler (PgBouncer, Neon's "-pooler" host) cannot hold a migration's session.
        migrationUrl: parsed.DATABASE_URL_UNPOOLED ?? parsed.DATABASE_URL,
        // Serverless instances each open their own pool: keep it small there.
        poolMax: parsed.DATABASE_POOL_MAX ?? (parsed.VERCEL ? 3 : 10),
        connectTimeoutMs: parsed.DATABASE_CONNECT_TIMEOUT_MS,
      }
    : { kind: "embedded", dataDir: parsed.EMBEDDED_DB_DIR, connectTimeoutMs: parsed.DATABASE_CONNECT_TIMEOUT_MS };
}

function brandConfigOf(parsed: z.infer<typeof brandSchema>): Config["brand"] {
  return { productName: parsed.PRODUCT_NAME, companyName: parsed.COMPANY_NAME, supportEmail: parsed.SUPPORT_EMAIL };
}

/** The names and the support address alone, for command-line tools that do not sign anyone in. */
export function parseBrandConfig(env: Env): Config["brand"] {
  return brandConfigOf(parseWith(brandSchema, env));
}

/** The database settings alone, for command-line tools that do not sign anyone in. */
export function parseDatabaseConfig(env: Env): Config["database"] {
  return databaseConfigOf(parseWith(databaseSchema, env));
}

/** What `npm run tenants` needs: the database and the trial length. */
export function parseOperatorConfig(env: Env): { database: Config["database"]; trialDays: number } {
  const parsed = parseWith(operatorSchema, env);
  return { database: databaseConfigOf(parsed), trialDays: parsed.TRIAL_DAYS };
}

/** Parses the environment. Throws ConfigError naming every variable that is wrong. */
export function parseConfig(env: Env): Config {
  const parsed = parseWith(schema, env);
  return {
    nodeEnv: parsed.NODE_ENV,
    brand: brandConfigOf(parsed),
    auth: { secret: parsed.AUTH_SECRET, url: publicUrlOf(parsed) },
    trial: {
      days: parsed.TRIAL_DAYS,
      mode: parsed.TRIAL_MODE,
      allowPersonalAccounts: parsed.ALLOW_PERSONAL_ACCOUNTS === "true",
      salesContactUrl: parsed.SALES_CONTACT_URL,
    },
    graphUrl: parsed.MICROSOFT_GRAPH_URL.replace(/\/$/, ""),
    marketplace: marketplaceConfigOf(parsed),
    marketplaceBeneficiaryAdminsMayActivate: parsed.MARKETPLACE_BENEFICIARY_ADMINS_MAY_ACTIVATE === "true",
    marketplaceDataRetentionDays: parsed.MARKETPLACE_DATA_RETENTION_DAYS,
    // The console's people come from the publisher's tenant: OPERATOR_TENANT_ID, else the
    // marketplace's (MARKETPLACE_TENANT_ID, the same tenant in most setups).
    operators: (() => {
      const tenantId = parsed.OPERATOR_TENANT_ID ?? parsed.MARKETPLACE_TENANT_ID;
      return tenantId ? { tenantId: tenantId.toLowerCase(), sessionMinutes: parsed.OPERATOR_SESSION_MINUTES } : null;
    })(),
    // Vercel runs functions, not a long-running process: its jobs come through Vercel Cron.
    jobs: { cronSecret: parsed.CRON_SECRET, worker: (parsed.JOB_WORKER ?? (parsed.VERCEL ? "off" : "on")) === "on" },
    shutdownGraceMs: parsed.SHUTDOWN_GRACE_SECONDS * 1000,
    marketplaceEmulatorUrl: parsed.MARKETPLACE_EMULATOR_URL,
    tokenCacheKey: parsed.TOKEN_CACHE_KEY
      ? Buffer.from(parsed.TOKEN_CACHE_KEY, "base64")
      : Buffer.from(hkdfSync("sha256", parsed.AUTH_SECRET, "", "appsource token cache", 32)),
    // requireEntraApp has made sure all three are there.
    entra: {
      clientId: parsed.AUTH_MICROSOFT_ENTRA_ID_ID!,
      clientSecret: parsed.AUTH_MICROSOFT_ENTRA_ID_SECRET!,
      issuer: parsed.AUTH_MICROSOFT_ENTRA_ID_ISSUER!.replace(/\/$/, ""),
      emulated: parsed.ENTRA_EMULATOR === "1",
      timeoutMs: parsed.ENTRA_TIMEOUT_MS,
      lookupTimeoutMs: Math.round(parsed.ENTRA_TIMEOUT_MS / 2),
    },
    database: databaseConfigOf(parsed),
  };
}

let cached: Config | undefined;

/** The configuration of this process, parsed once from process.env. */
export function config(): Config {
  if (!cached) {
    cached = parseConfig(process.env);
    // Auth.js builds its redirect URI from process.env.AUTH_URL, else from the request's Host and
    // X-Forwarded-* headers: hand it the public URL settled here (lib/public-url.ts).
    if (cached.auth.url) process.env.AUTH_URL = cached.auth.url;
  }
  return cached;
}

let cachedBrand: Config["brand"] | undefined;

/**
 * The names and the support address of this process (lib/brand.ts). The server checks them at
 * start with the rest of config(); `npm run entra:register` reads them without sign-in settings.
 */
export function brandConfig(): Config["brand"] {
  cachedBrand ??= cached?.brand ?? parseBrandConfig(process.env);
  return cachedBrand;
}
