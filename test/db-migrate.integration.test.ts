import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { dbMigrateCommand } from "@/lib/db/migrate-command";
import { databaseTargets } from "./databases";

// npm run db:migrate, as a deployment runs it (the workflow's migrate job, vercel-build): the real
// command once, in its own process; its other cases through the entry function the script runs.
function migrateProcess(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/db-migrate.ts"], {
    env: { NODE_ENV: "test", PATH: process.env.PATH, ...env },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, output })));
}

async function migrate(env: Record<string, string>): Promise<{ code: number; output: string }> {
  let output = "";
  const write = (line: string) => void (output += `${line}\n`);
  const code = await dbMigrateCommand({ NODE_ENV: "test", ...env }, { info: write, warn: write, error: write });
  return { code, output };
}

/** A pooler nobody answers on: were migrations sent there, they would fail. */
const POOLED = "postgresql://app:secret@ep-quiet-1234-pooler.127.0.0.1.nip.invalid:5432/app?sslmode=require";

describe("npm run db:migrate", () => {
  it("is a real command: in its own process, it migrates through DATABASE_URL_UNPOOLED, not the pooler", async () => {
    const database = await databaseTargets.at(-1)!.create();
    try {
      const first = await migrateProcess({ DATABASE_URL: POOLED, DATABASE_URL_UNPOOLED: database.url });
      expect(first.output).toMatch(/Applied \d+ migration\(s\) to the database at DATABASE_URL_UNPOOLED/);
      expect(first.code).toBe(0);
    } finally {
      await database.drop();
    }
  });
});

for (const target of databaseTargets) {
  describe(`npm run db:migrate (${target.name})`, () => {
    it("migrates through DATABASE_URL_UNPOOLED when DATABASE_URL goes through a pooler, then finds nothing to do", async () => {
      const database = await target.create();
      try {
        const first = await migrate({ DATABASE_URL: POOLED, DATABASE_URL_UNPOOLED: database.url });
        expect(first.output).toMatch(/Applied \d+ migration\(s\) to the database at DATABASE_URL_UNPOOLED/);
        expect(first.code).toBe(0);
        const second = await migrate({ DATABASE_URL: POOLED, DATABASE_URL_UNPOOLED: database.url });
        expect(second.output).toContain("No pending migrations: the database at DATABASE_URL_UNPOOLED is up to date.");
        expect(second.code).toBe(0);
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
