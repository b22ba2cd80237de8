import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { databaseTargets, type TestDatabase } from "@/test/databases";
import { pgliteTemplateOptions } from "@/test/pglite-template";
import { migrateDatabase, migrationAdapter } from "./connection";
import {
  diffDatabaseToSchema,
  diffMigrationsToSchema,
  migrationsDir,
  pendingMigrations,
  readMigrations,
} from "./migrations";
import { withInMemoryDatabases } from "./shadow";

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function driftOf(url: string): Promise<string> {
  const { factory, close } = migrationAdapter(url);
  try {
    return await diffDatabaseToSchema(factory);
  } finally {
    await close();
  }
}

describe("prisma/migrations and schema.prisma", () => {
  it("agree: replaying the migrations yields exactly schema.prisma (no migration left to write)", async () => {
    expect(await withInMemoryDatabases(diffMigrationsToSchema, await pgliteTemplateOptions())).toBe("");
  });
});

describe.each(databaseTargets)("migrations on $name", (target) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await target.create();
  });
  afterEach(async () => {
    await database.drop();
  });

  it("applied to an empty database, yield exactly the schema in schema.prisma (no drift)", async () => {
    const { migrationDirectories } = await readMigrations();
    expect(await migrateDatabase(database.url)).toEqual(migrationDirectories.map((migration) => migration.path));
    expect(await driftOf(database.url)).toBe("");
  });

  it("notices drift: a database that differs from schema.prisma gives a non-empty diff", async () => {
    await migrateDatabase(database.url);
    await query(database.url, `ALTER TABLE "tenant" ADD COLUMN "stray" integer`);
    expect(await driftOf(database.url)).toMatch(/ALTER TABLE "tenant" DROP COLUMN "stray"/);
  });

  it("apply nothing the second time", async () => {
    await migrateDatabase(database.url);
    expect(await migrateDatabase(database.url)).toEqual([]);
  });

  it("record the history `prisma migrate deploy` records", async () => {
    await migrateDatabase(database.url);
    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
      applied_steps_count: number;
      logs: string | null;
    }>(database.url, "SELECT * FROM _prisma_migrations ORDER BY migration_name");
    const { migrationDirectories } = await readMigrations();
    expect(rows).toHaveLength(migrationDirectories.length);
    for (const [index, migration] of migrationDirectories.entries()) {
      const sql = await readFile(path.join(migrationsDir(), migration.path, "migration.sql"));
      expect(rows[index]).toMatchObject({
        migration_name: migration.path,
        // Prisma identifies an applied migration by the SHA-256 of its file: an edited migration
        // is detected by both paths.
        checksum: createHash("sha256").update(sql).digest("hex"),
        rolled_back_at: null,
        applied_steps_count: 1,
        logs: null,
      });
      expect(rows[index]?.finished_at).toBeInstanceOf(Date);
    }
  });

  it("leave nothing half-written when a migration fails, and refuse to go on until it is resolved", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "migrations-"));
    await cp(migrationsDir(), dir, { recursive: true });
    const broken = path.join(dir, "29991231000000_broken");
    await mkdir(broken);
    await writeFile(
      path.join(broken, "migration.sql"),
      `CREATE TABLE "half_written" ("id" integer);\nALTER TABLE "no_such_table" ADD COLUMN "x" integer;\n`,
    );

    await expect(migrateDatabase(database.url, dir)).rejects.toThrow(/no_such_table/);

    const [table] = await query<{ present: boolean }>(
      database.url,
      `SELECT to_regclass('half_written') IS NOT NULL AS present`,
    );
    expect(table?.present).toBe(false);
    await expect(migrateDatabase(database.url, dir)).rejects.toThrow(/29991231000000_broken/);
  });

  it("report what is pending to the server at start", async () => {
    const { factory, close } = migrationAdapter(database.url);
    const adapter = await factory.connect();
    const queryRaw = async <T>(strings: TemplateStringsArray): Promise<T> => {
      const result = await adapter.queryRaw({ sql: strings.join(""), args: [], argTypes: [] });
      return result.rows.map((row) => Object.fromEntries(result.columnNames.map((name, i) => [name, row[i]]))) as T;
    };
    try {
      const all = (await readMigrations()).migrationDirectories.map((migration) => migration.path);
      expect(await pendingMigrations(queryRaw)).toEqual(all);
      await migrateDatabase(database.url);
      expect(await pendingMigrations(queryRaw)).toEqual([]);
    } finally {
      await adapter.dispose();
      await close();
    }
  });
});
