import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { databaseTargets } from "./databases";

// npm run db:migrate, as a deployment runs it (the workflow's migrate job, vercel-build).
function migrate(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/db-migrate.ts"], {
    env: { NODE_ENV: "test", PATH: process.env.PATH, ...env },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, output })));
}

/** A pooler nobody answers on: were migrations sent there, they would fail. */
const POOLED = "postgresql://app:secret@ep-quiet-1234-pooler.127.0.0.1.nip.invalid:5432/app?sslmode=require";

for (const target of databaseTargets) {
  describe(`npm run db:migrate (${target.name})`, () => {
    it("migrates through DATABASE_URL_UNPOOLED when DATABASE_URL goes through a pooler", async () => {
      const database = await target.create();
      try {
        const first = await migrate({ DATABASE_URL: POOLED, DATABASE_URL_UNPOOLED: database.url });
        expect(first.output).toMatch(/Applied \d+ migration\(s\) to the database at DATABASE_URL_UNPOOLED/);
        expect(first.code).toBe(0);
      } finally {
        await database.drop();
      }
    });
  });
}

describe("npm run db:migrate in production", () => {
  it("refuses to run without DATABASE_URL, and creates no embedded database", async () => {
    const dir = ".data/test-db-migrate-production";
    const { code, output } = await migrate({ NODE_ENV: "production", EMBEDDED_DB_DIR: dir });
    expect(code).toBe(1);
    expect(output).toContain("DATABASE_URL: required in production");
    expect(existsSync(dir)).toBe(false);
  });

  it("warns when the only URL it has names a pooler", async () => {
    const { code, output } = await migrate({ DATABASE_URL: POOLED, DATABASE_CONNECT_TIMEOUT_MS: "500" });
    expect(output).toContain("DATABASE_URL names a connection pooler: set DATABASE_URL_UNPOOLED");
    expect(code).toBe(1); // nobody answers there
    expect(output).not.toContain("secret");
  });
});
