// Every environment variable the app reads, parsed and validated in one place.
// A wrong value stops the server at start with a message that names the variable and what is
// expected (see instrumentation.ts); nothing else in the app reads process.env directly.
import { hkdfSync } from "node:crypto";
import { z } from "zod";

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== "";
    } catch {
      return false;
    }
  }, "expected a PostgreSQL connection URL such as postgresql://user:password@host:5432/database?sslmode=require");

/** An empty value means "not set": .env files often carry `NAME=` lines. */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === "" ? undefined : value), schema.optional());
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const httpUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      return ["http:", "https:"].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, "expected the app's public URL, such as https://app.example.com");

const entraIssuer = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === "https:" && /^\/[^/]+\/v2\.0\/?$/.test(url.pathname);
    } catch {
      return false;
    }
  }, "expected an https:// authority ending in /v2.0, such as https://login.microsoftonline.com/common/v2.0");

const entraRequired =
  "required: your Microsoft Entra app registration (see README), or run `npm run dev`, which starts the local Entra ID emulator";

/** Required, with a message that says where the value comes from. */
function entraSetting<T extends z.ZodType>(schema: T) {
  return z.preprocess(
    (value) => (value === "" ? undefined : value),
    z
      .any()
      .refine((value) => value !== undefined, entraRequired)
      .pipe(schema),
  );
}

const integer = (min: number, max: number) =>
  z.coerce
    .number({ error: `expected a whole number from ${min} to ${max}` })
    .int(`expected a whole number from ${min} to ${max}`)
    .min(min, `expected a whole number from ${min} to ${max}`)
    .max(max, `expected a whole number from ${min} to ${max}`);

/** What the database needs: enough for `npm run db:migrate` and `npm run tenants`. */
const databaseShape = {
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** Set by the hosts that cannot keep files between requests or instances. */
  VERCEL: optional(z.string()),
  WEBSITE_SITE_NAME: optional(z.string()),

  DATABASE_URL: optional(postgresUrl),
  DATABASE_POOL_MAX: optional(integer(1, 100)),
  DATABASE_CONNECT_TIMEOUT_MS: optional(integer(100, 60_000)).default(5_000),
  EMBEDDED_DB_DIR: optional(z.string().trim().min(1)).default(".data/pglite"),
};

type DatabaseEnv = { VERCEL?: string; WEBSITE_SITE_NAME?: string; DATABASE_URL?: string };

// The embedded database is a folder on local disk: on serverless or multi-instance hosts it
// would be lost or split between instances, so those hosts must name a real PostgreSQL.
function requireServerOnEphemeralHosts(env: DatabaseEnv, ctx: z.RefinementCtx): void {
  const host = env.VERCEL ? "Vercel" : env.WEBSITE_SITE_NAME ? "Azure App Service" : undefined;
  if (host && !env.DATABASE_URL) {
    ctx.addIssue({
      code: "custom",
      path: ["DATABASE_URL"],
      message: `required on ${host}: the embedded database keeps its files on local disk, which ${host} does not keep`,
    });
  }
}

const databaseSchema = z.object(databaseShape).superRefine(requireServerOnEphemeralHosts);

const trialDays = optional(integer(1, 365)).default(30);
const operatorSchema = z.object({ ...databaseShape, TRIAL_DAYS: trialDays }).superRefine(requireServerOnEphemeralHosts);

const schema = z
  .object({
    ...databaseShape,

    AUTH_SECRET: z
      .string({ error: "required: a random secret of at least 32 characters (openssl rand -base64 32)" })
      .min(32, "expected a random secret of at least 32 characters (openssl rand -base64 32)"),
    AUTH_URL: optional(httpUrl),
    // The Entra app registration: all three, or `npm run dev`, which gives the local emulator's.
    AUTH_MICROSOFT_ENTRA_ID_ID: entraSetting(z.string().trim().regex(GUID, "expected the app's client id, a GUID")),
    AUTH_MICROSOFT_ENTRA_ID_SECRET: entraSetting(z.string()),
    AUTH_MICROSOFT_ENTRA_ID_ISSUER: entraSetting(entraIssuer),
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
  })
  .superRefine(requireServerOnEphemeralHosts);

export type Config = {
  nodeEnv: "development" | "production" | "test";
  auth: { secret: string; url?: string };
  trial: {
    days: number;
    /** customer: the first sign-in starts the trial; partner: the vendor approves it first. */
    mode: "customer" | "partner";
    allowPersonalAccounts: boolean;
    salesContactUrl?: string;
  };
  graphUrl: string;
  /** AES-256-GCM key of the token cache. */
  tokenCacheKey: Buffer;
  entra: {
    clientId: string;
    clientSecret: string;
    /** e.g. https://login.microsoftonline.com/common/v2.0 */
    issuer: string;
    /** True when the issuer is the local Entra ID emulator (npm run dev). */
    emulated: boolean;
  };
  database:
    | {
        kind: "postgres";
        url: string;
        poolMax: number;
        connectTimeoutMs: number;
      }
    | {
        kind: "embedded";
        dataDir: string;
        connectTimeoutMs: number;
      };
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration (see .env.example):\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

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
        // Serverless instances each open their own pool: keep it small there.
        poolMax: parsed.DATABASE_POOL_MAX ?? (parsed.VERCEL ? 3 : 10),
        connectTimeoutMs: parsed.DATABASE_CONNECT_TIMEOUT_MS,
      }
    : { kind: "embedded", dataDir: parsed.EMBEDDED_DB_DIR, connectTimeoutMs: parsed.DATABASE_CONNECT_TIMEOUT_MS };
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
    auth: { secret: parsed.AUTH_SECRET, url: parsed.AUTH_URL },
    trial: {
      days: parsed.TRIAL_DAYS,
      mode: parsed.TRIAL_MODE,
      allowPersonalAccounts: parsed.ALLOW_PERSONAL_ACCOUNTS === "true",
      salesContactUrl: parsed.SALES_CONTACT_URL,
    },
    graphUrl: parsed.MICROSOFT_GRAPH_URL.replace(/\/$/, ""),
    tokenCacheKey: parsed.TOKEN_CACHE_KEY
      ? Buffer.from(parsed.TOKEN_CACHE_KEY, "base64")
      : Buffer.from(hkdfSync("sha256", parsed.AUTH_SECRET, "", "appsource token cache", 32)),
    entra: {
      clientId: parsed.AUTH_MICROSOFT_ENTRA_ID_ID,
      clientSecret: parsed.AUTH_MICROSOFT_ENTRA_ID_SECRET,
      issuer: parsed.AUTH_MICROSOFT_ENTRA_ID_ISSUER.replace(/\/$/, ""),
      emulated: parsed.ENTRA_EMULATOR === "1",
    },
    database: databaseConfigOf(parsed),
  };
}

let cached: Config | undefined;

/** The configuration of this process, parsed once from process.env. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
