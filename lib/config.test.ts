import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  LOCAL_EMULATOR_CLIENT_ID,
  parseBrandConfig,
  parseConfig,
  parseDatabaseConfig,
  parseOperatorConfig,
} from "./config";

/** The least a server needs: a session secret and an Entra app registration. */
const base = {
  AUTH_SECRET: "a".repeat(32),
  AUTH_MICROSOFT_ENTRA_ID_ID: "3f0c5a9e-6b1d-4e2f-9a8c-7d6e5f4a3b21",
  AUTH_MICROSOFT_ENTRA_ID_SECRET: "client-secret-value",
  AUTH_MICROSOFT_ENTRA_ID_ISSUER: "https://login.microsoftonline.com/common/v2.0",
};
const env = (extra: Record<string, string> = {}) => ({ ...base, ...extra });

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected the configuration to be refused");
}

describe("parseConfig", () => {
  it("runs on the embedded database when DATABASE_URL is unset", () => {
    const config = parseConfig(env());
    expect(config.nodeEnv).toBe("development");
    expect(config.database).toEqual({ kind: "embedded", dataDir: ".data/pglite", connectTimeoutMs: 5000 });
  });

  it("treats empty values as unset, as .env files write them", () => {
    expect(parseConfig(env({ DATABASE_URL: "", DATABASE_POOL_MAX: "" })).database.kind).toBe("embedded");
  });

  it("uses the PostgreSQL server named by DATABASE_URL, with a pool size", () => {
    const url = "postgresql://app:secret@db.example.com:5432/app?sslmode=require";
    expect(parseConfig(env({ DATABASE_URL: url, DATABASE_POOL_MAX: "4" })).database).toEqual({
      kind: "postgres",
      url,
      migrationUrl: url,
      poolMax: 4,
      connectTimeoutMs: 5000,
    });
    expect(parseConfig(env({ DATABASE_URL: url })).database).toMatchObject({ poolMax: 10 });
    expect(parseConfig(env({ DATABASE_URL: url, VERCEL: "1" })).database).toMatchObject({ poolMax: 3 });
  });

  it("names the variable and what is expected when DATABASE_URL is not a PostgreSQL URL", () => {
    for (const value of ["mysql://root@localhost/app", "not a url", "postgresql://"]) {
      const [problem, ...rest] = problemsOf(env({ DATABASE_URL: value }));
      expect(rest).toEqual([]);
      expect(problem).toMatch(/^DATABASE_URL: expected a PostgreSQL connection URL/);
    }
  });

  it("never repeats a value in its message: it may hold a password", () => {
    const problems = problemsOf(
      env({ DATABASE_URL: "mysql://root:hunter2-secret@localhost/app", AUTH_SECRET: "short-hunter3" }),
    );
    expect(problems).toHaveLength(2);
    expect(problems.join("\n")).not.toMatch(/hunter2-secret|hunter3/);
  });

  it("names every wrong variable at once", () => {
    const problems = problemsOf({
      ...base,
      DATABASE_URL: "postgresql://app@db/app",
      DATABASE_POOL_MAX: "0",
      DATABASE_CONNECT_TIMEOUT_MS: "soon",
      NODE_ENV: "staging",
    });
    expect(problems.map((problem) => problem.split(":")[0]).sort()).toEqual([
      "DATABASE_CONNECT_TIMEOUT_MS",
      "DATABASE_POOL_MAX",
      "NODE_ENV",
    ]);
    expect(problems.find((problem) => problem.startsWith("DATABASE_POOL_MAX"))).toContain(
      "expected a whole number from 1 to 100",
    );
  });

  it("requires DATABASE_URL on hosts that do not keep local files", () => {
    expect(problemsOf(env({ VERCEL: "1" }))).toEqual([expect.stringMatching(/^DATABASE_URL: required on Vercel/)]);
    expect(problemsOf(env({ WEBSITE_SITE_NAME: "my-app" }))).toEqual([
      expect.stringMatching(/^DATABASE_URL: required on Azure App Service/),
    ]);
  });

  it("puts the list of problems in the error message, pointing at .env.example", () => {
    expect(() => parseConfig(env({ DATABASE_POOL_MAX: "many" }))).toThrow(
      /Invalid configuration \(see \.env\.example\):\n {2}- DATABASE_POOL_MAX: /,
    );
  });

  it("reads the Entra app registration, and says when the issuer is the local emulator", () => {
    expect(parseConfig(env()).entra).toEqual({
      clientId: base.AUTH_MICROSOFT_ENTRA_ID_ID,
      clientSecret: base.AUTH_MICROSOFT_ENTRA_ID_SECRET,
      issuer: "https://login.microsoftonline.com/common/v2.0",
      emulated: false,
      timeoutMs: 10_000,
      lookupTimeoutMs: 5_000,
    });
    expect(parseConfig(env({ ENTRA_EMULATOR: "1" })).entra.emulated).toBe(true);
  });

  it("reads how long a request to Entra ID may take: Auth.js's requests all of it, the app's own half", () => {
    expect(parseConfig(env({ ENTRA_TIMEOUT_MS: "3000" })).entra).toMatchObject({
      timeoutMs: 3_000,
      lookupTimeoutMs: 1_500,
    });
    for (const wrong of ["0", "999", "60001", "soon"]) {
      expect(problemsOf(env({ ENTRA_TIMEOUT_MS: wrong }))).toEqual([
        "ENTRA_TIMEOUT_MS: expected a whole number from 1000 to 60000",
      ]);
    }
  });

  it("names each missing part of the Entra app registration, and the session secret", () => {
    const problems = problemsOf({});
    expect(problems.map((problem) => problem.split(":")[0]).sort()).toEqual([
      "AUTH_MICROSOFT_ENTRA_ID_ID",
      "AUTH_MICROSOFT_ENTRA_ID_ISSUER",
      "AUTH_MICROSOFT_ENTRA_ID_SECRET",
      "AUTH_SECRET",
    ]);
    expect(problems.find((problem) => problem.startsWith("AUTH_MICROSOFT_ENTRA_ID_ID"))).toContain("npm run dev");
  });

  it("refuses an issuer that is not an https:// authority ending in /v2.0, and a client id that is not a GUID", () => {
    for (const issuer of [
      "http://login.microsoftonline.com/common/v2.0",
      "https://login.microsoftonline.com/common",
      "https://login.microsoftonline.com/common/oauth2/v2.0/token",
    ]) {
      expect(problemsOf(env({ AUTH_MICROSOFT_ENTRA_ID_ISSUER: issuer }))).toEqual([
        expect.stringMatching(/^AUTH_MICROSOFT_ENTRA_ID_ISSUER: expected an https:\/\/ authority ending in \/v2\.0/),
      ]);
    }
    expect(problemsOf(env({ AUTH_MICROSOFT_ENTRA_ID_ID: "my-app" }))).toEqual([
      "AUTH_MICROSOFT_ENTRA_ID_ID: expected the app's client id, a GUID",
    ]);
  });

  it("gives command-line tools their database without asking for sign-in settings", () => {
    expect(parseDatabaseConfig({})).toEqual({ kind: "embedded", dataDir: ".data/pglite", connectTimeoutMs: 5000 });
    expect(() => parseDatabaseConfig({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL: expected a PostgreSQL/);
    expect(() => parseDatabaseConfig({ VERCEL: "1" })).toThrow(/DATABASE_URL: required on Vercel/);
  });

  it("accepts a copy of .env.example with nothing filled in (npm run dev adds the rest)", () => {
    const example = Object.fromEntries(
      readFileSync(".env.example", "utf8")
        .split("\n")
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    expect(Object.keys(example).length).toBeGreaterThan(15);
    expect(Object.values(example).every((value) => value === "")).toBe(true);
    const launcher = { ...base, ENTRA_EMULATOR: "1" };
    const config = parseConfig({ ...example, ...launcher });
    expect(config.database.kind).toBe("embedded");
    expect(config.trial).toMatchObject({ days: 30, mode: "customer", allowPersonalAccounts: false });
    expect(config.graphUrl).toBe("https://graph.microsoft.com");
  });

  it("uses DATABASE_URL_UNPOOLED for migrations when the runtime URL goes through a pooler", () => {
    const pooled = "postgresql://app:pw@ep-cool-1234-pooler.eu-central-1.aws.neon.tech/app?sslmode=require";
    const direct = "postgresql://app:pw@ep-cool-1234.eu-central-1.aws.neon.tech/app?sslmode=require";
    expect(parseConfig(env({ DATABASE_URL: pooled, DATABASE_URL_UNPOOLED: direct })).database).toMatchObject({
      url: pooled,
      migrationUrl: direct,
    });
    expect(parseDatabaseConfig({ DATABASE_URL: direct })).toMatchObject({ url: direct, migrationUrl: direct });
    expect(() => parseDatabaseConfig({ DATABASE_URL: direct, DATABASE_URL_UNPOOLED: "neon" })).toThrow(
      /DATABASE_URL_UNPOOLED: expected a PostgreSQL connection URL/,
    );
  });
});

describe("the product's and company's names and the support address", () => {
  it("default to the template's placeholders, also when the variables are empty", () => {
    const defaults = {
      productName: "AppSource SaaS Starter",
      companyName: "Your company",
      supportEmail: "support@example.com",
    };
    expect(parseConfig(env()).brand).toEqual(defaults);
    expect(parseConfig(env({ PRODUCT_NAME: "", COMPANY_NAME: "", SUPPORT_EMAIL: "" })).brand).toEqual(defaults);
    expect(parseBrandConfig({})).toEqual(defaults);
  });

  it("take PRODUCT_NAME, COMPANY_NAME and SUPPORT_EMAIL, trimmed", () => {
    const values = {
      PRODUCT_NAME: " Contoso Notes ",
      COMPANY_NAME: "Contoso Ltd.",
      SUPPORT_EMAIL: " help@contoso.com",
    };
    const expected = { productName: "Contoso Notes", companyName: "Contoso Ltd.", supportEmail: "help@contoso.com" };
    expect(parseConfig(env(values)).brand).toEqual(expected);
    expect(
      parseConfig(
        env({
          ...values,
          NODE_ENV: "production",
          DATABASE_URL: "postgresql://db/app",
          AUTH_URL: "https://app.example.com",
        }),
      ).brand,
    ).toEqual(expected);
    // npm run entra:register reads them without any sign-in settings.
    expect(parseBrandConfig(values)).toEqual(expected);
  });

  it("refuse a support address that is not an e-mail address, naming SUPPORT_EMAIL, at start and in the tools", () => {
    for (const value of ["support", "mailto:support@example.com", "help@contoso.com?subject=x", "a b@contoso.com"]) {
      expect(problemsOf(env({ SUPPORT_EMAIL: value }))).toEqual([
        "SUPPORT_EMAIL: expected an e-mail address, such as support@example.com",
      ]);
    }
    expect(() => parseBrandConfig({ SUPPORT_EMAIL: "support" })).toThrow(
      /Invalid configuration \(see \.env\.example\):\n {2}- SUPPORT_EMAIL: expected an e-mail address/,
    );
  });

  it("refuse a name that is blank, too long or on several lines, naming the variable", () => {
    expect(problemsOf(env({ PRODUCT_NAME: "   ", COMPANY_NAME: "x".repeat(101) }))).toEqual([
      "PRODUCT_NAME: expected a name of 1 to 100 characters",
      "COMPANY_NAME: expected a name of 1 to 100 characters",
    ]);
    expect(problemsOf(env({ COMPANY_NAME: "Contoso\nLtd." }))).toEqual([
      "COMPANY_NAME: expected a name on one line, without control characters",
    ]);
  });
});

describe("parseConfig in production (NODE_ENV=production)", () => {
  const database = "postgresql://app:pw@db.example.com:5432/app?sslmode=require";
  const production = (extra: Record<string, string> = {}) =>
    env({ NODE_ENV: "production", DATABASE_URL: database, AUTH_URL: "https://app.example.com", ...extra });

  it("starts with a database server, a session secret, an Entra app registration and the public URL", () => {
    const config = parseConfig(production());
    expect(config.nodeEnv).toBe("production");
    expect(config.database).toMatchObject({ kind: "postgres", url: database });
    expect(config.auth.url).toBe("https://app.example.com");
    expect(config.entra.emulated).toBe(false);
  });

  it("never runs the embedded database: DATABASE_URL is required, for the server and for the tools", () => {
    expect(problemsOf(production({ DATABASE_URL: "" }))).toEqual([
      "DATABASE_URL: required in production: the embedded database (PGlite) is for development only",
    ]);
    expect(() => parseDatabaseConfig({ NODE_ENV: "production" })).toThrow(/DATABASE_URL: required in production/);
    expect(() => parseOperatorConfig({ NODE_ENV: "production" })).toThrow(/DATABASE_URL: required in production/);
  });

  it("names each missing piece with where it comes from, not `npm run dev`", () => {
    const problems = problemsOf({ NODE_ENV: "production" });
    expect(problems.map((problem) => problem.split(":")[0]).sort()).toEqual([
      "AUTH_MICROSOFT_ENTRA_ID_ID",
      "AUTH_MICROSOFT_ENTRA_ID_ISSUER",
      "AUTH_MICROSOFT_ENTRA_ID_SECRET",
      "AUTH_SECRET",
      "AUTH_URL",
      "DATABASE_URL",
    ]);
    const entra = problems.filter((problem) => problem.startsWith("AUTH_MICROSOFT_ENTRA_ID_"));
    expect(entra).toHaveLength(3);
    for (const problem of entra) {
      expect(problem).toMatch(/: required in production: your Microsoft Entra app registration/);
      expect(problem).not.toContain("npm run dev");
    }
  });

  it("never signs in through the local emulator", () => {
    expect(problemsOf(production({ ENTRA_EMULATOR: "1" }))).toEqual([
      "ENTRA_EMULATOR: the local Entra ID emulator is for development only: unset it in production",
    ]);
    expect(problemsOf(production({ AUTH_MICROSOFT_ENTRA_ID_ID: LOCAL_EMULATOR_CLIENT_ID }))).toEqual([
      "AUTH_MICROSOFT_ENTRA_ID_ID: this is the local emulator's app, not a Microsoft Entra app registration",
    ]);
    // In development both are what `npm run dev` sets.
    expect(
      parseConfig(env({ ENTRA_EMULATOR: "1", AUTH_MICROSOFT_ENTRA_ID_ID: LOCAL_EMULATOR_CLIENT_ID })).entra,
    ).toMatchObject({ emulated: true, clientId: LOCAL_EMULATOR_CLIENT_ID });
  });

  it("takes the public URL from AUTH_URL, else from the host, never from request headers", () => {
    expect(problemsOf(production({ AUTH_URL: "" }))).toEqual([
      expect.stringMatching(/^AUTH_URL: required in production \(outside Vercel and Azure App Service\)/),
    ]);
    const appService = {
      AUTH_URL: "",
      WEBSITE_SITE_NAME: "contoso-app",
      WEBSITE_HOSTNAME: "contoso-app.azurewebsites.net",
    };
    expect(parseConfig(production(appService)).auth.url).toBe("https://contoso-app.azurewebsites.net");
    expect(parseConfig(production({ ...appService, AUTH_URL: "https://app.contoso.com/" })).auth.url).toBe(
      "https://app.contoso.com",
    );
    const vercel = {
      AUTH_URL: "",
      VERCEL: "1",
      VERCEL_URL: "my-app-h2k3j4.vercel.app",
      VERCEL_BRANCH_URL: "my-app-git-feature-acme.vercel.app",
      VERCEL_PROJECT_PRODUCTION_URL: "app.acme.com",
    };
    expect(parseConfig(production({ ...vercel, VERCEL_ENV: "production" })).auth.url).toBe("https://app.acme.com");
    expect(parseConfig(production({ ...vercel, VERCEL_ENV: "preview" })).auth.url).toBe(
      "https://my-app-git-feature-acme.vercel.app",
    );
  });

  it("wants https, except on localhost, and an origin without a path", () => {
    expect(problemsOf(production({ AUTH_URL: "http://app.example.com" }))).toEqual([
      "AUTH_URL: expected an https:// URL in production (http:// only for localhost)",
    ]);
    expect(parseConfig(production({ AUTH_URL: "http://localhost:3000" })).auth.url).toBe("http://localhost:3000");
    expect(problemsOf(env({ AUTH_URL: "https://app.example.com/app" }))).toEqual([
      "AUTH_URL: expected the app's origin only (scheme, host and port), such as https://app.example.com",
    ]);
  });
});

describe("the marketplace in parseConfig", () => {
  const marketplace = {
    MARKETPLACE_TENANT_ID: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    MARKETPLACE_CLIENT_ID: "5b0a2b6e-2c3d-4e5f-8a9b-0c1d2e3f4a5b",
    MARKETPLACE_CLIENT_SECRET: "fulfillment-secret",
  };

  it("is off unless configured, and nothing else changes", () => {
    expect(parseConfig(env())).toMatchObject({ marketplace: null, marketplaceBeneficiaryAdminsMayActivate: false });
  });

  it("is on with the fulfillment app's settings, at Microsoft's API unless told otherwise", () => {
    expect(parseConfig(env({ ...marketplace, MARKETPLACE_BENEFICIARY_ADMINS_MAY_ACTIVATE: "true" }))).toMatchObject({
      marketplace: {
        tenantId: marketplace.MARKETPLACE_TENANT_ID,
        clientId: marketplace.MARKETPLACE_CLIENT_ID,
        credential: { kind: "secret", secret: "fulfillment-secret" },
        apiUrl: "https://marketplaceapi.microsoft.com/api",
      },
      marketplaceBeneficiaryAdminsMayActivate: true,
    });
  });

  it("names at startup what a half-configured marketplace lacks, never a value", () => {
    const problems = problemsOf(env({ MARKETPLACE_CLIENT_SECRET: "fulfillment-secret" }));
    expect(problems).toEqual([
      expect.stringMatching(/^MARKETPLACE_TENANT_ID: required: the marketplace is configured/),
      expect.stringMatching(/^MARKETPLACE_CLIENT_ID: required: the marketplace is configured/),
    ]);
    expect(problems.join("\n")).not.toContain("fulfillment-secret");
    expect(problemsOf(env({ ...marketplace, MARKETPLACE_BENEFICIARY_ADMINS_MAY_ACTIVATE: "yes" }))).toEqual([
      'MARKETPLACE_BENEFICIARY_ADMINS_MAY_ACTIVATE: expected "true" or "false"',
    ]);
  });
});
