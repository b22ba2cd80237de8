import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config";

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
  it("runs with no configuration at all on the embedded database", () => {
    const config = parseConfig({});
    expect(config.nodeEnv).toBe("development");
    expect(config.database).toEqual({ kind: "embedded", dataDir: ".data/pglite", connectTimeoutMs: 5000 });
  });

  it("treats empty values as unset, as .env files write them", () => {
    expect(parseConfig({ DATABASE_URL: "", DATABASE_POOL_MAX: "" }).database.kind).toBe("embedded");
  });

  it("uses the PostgreSQL server named by DATABASE_URL, with a pool size", () => {
    const url = "postgresql://app:secret@db.example.com:5432/app?sslmode=require";
    expect(parseConfig({ DATABASE_URL: url, DATABASE_POOL_MAX: "4" }).database).toEqual({
      kind: "postgres",
      url,
      poolMax: 4,
      connectTimeoutMs: 5000,
    });
    expect(parseConfig({ DATABASE_URL: url }).database).toMatchObject({ poolMax: 10 });
    expect(parseConfig({ DATABASE_URL: url, VERCEL: "1" }).database).toMatchObject({ poolMax: 3 });
  });

  it("names the variable and what is expected when DATABASE_URL is not a PostgreSQL URL", () => {
    for (const value of ["mysql://root@localhost/app", "not a url", "postgresql://"]) {
      const [problem, ...rest] = problemsOf({ DATABASE_URL: value });
      expect(rest).toEqual([]);
      expect(problem).toMatch(/^DATABASE_URL: expected a PostgreSQL connection URL/);
    }
  });

  it("never repeats a value in its message: it may hold a password", () => {
    const problems = problemsOf({ DATABASE_URL: "mysql://root:hunter2-secret@localhost/app" });
    expect(problems.join("\n")).not.toContain("hunter2-secret");
  });

  it("names every wrong variable at once", () => {
    const problems = problemsOf({
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
    expect(problemsOf({ VERCEL: "1" })).toEqual([expect.stringMatching(/^DATABASE_URL: required on Vercel/)]);
    expect(problemsOf({ WEBSITE_SITE_NAME: "my-app" })).toEqual([
      expect.stringMatching(/^DATABASE_URL: required on Azure App Service/),
    ]);
  });

  it("puts the list of problems in the error message, pointing at .env.example", () => {
    expect(() => parseConfig({ DATABASE_POOL_MAX: "many" })).toThrow(
      /Invalid configuration \(see \.env\.example\):\n {2}- DATABASE_POOL_MAX: /,
    );
  });
});
