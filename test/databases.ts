// The databases the integration tests run against: always an embedded PGlite, and also a
// throwaway database on the PostgreSQL server named by TEST_DATABASE_URL when it is set
// (.ci/run sets it to the CI machine's server).
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { openDatabase, type Database } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/connection";
import { startPgliteServer } from "@/lib/db/pglite";
import { pgliteTemplateOptions } from "./pglite-template";

export type TestDatabase = {
  /** A fresh, empty database. */
  url: string;
  drop(): Promise<void>;
};

export type TestDatabaseTarget = { name: string; create(): Promise<TestDatabase> };

const pglite: TestDatabaseTarget = {
  name: "PGlite",
  async create() {
    const server = await startPgliteServer(undefined, await pgliteTemplateOptions());
    return { url: server.url, drop: () => server.stop() };
  },
};

function postgres(serverUrl: string): TestDatabaseTarget {
  return {
    name: "PostgreSQL server",
    async create() {
      const name = `appsource_test_${randomBytes(6).toString("hex")}`;
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } finally {
        await admin.end();
      }
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      return {
        url: url.toString(),
        async drop() {
          const client = new pg.Client({ connectionString: serverUrl });
          await client.connect();
          try {
            await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
          } finally {
            await client.end();
          }
        },
      };
    },
  };
}

export const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined;

export const databaseTargets: TestDatabaseTarget[] = [pglite, ...(testDatabaseUrl ? [postgres(testDatabaseUrl)] : [])];

if (process.env.CI && !testDatabaseUrl) {
  // CI must exercise the real server: a missing variable would silently halve the suite.
  throw new Error("TEST_DATABASE_URL is not set: CI runs the integration tests against a PostgreSQL server too.");
}

/**
 * A fresh database of `target`, migrated, with a Prisma client, for the tests of a describe block
 * (created before them, dropped after). Read its fields inside the tests.
 */
export function migratedDatabase(target: TestDatabaseTarget, options: { poolMax?: number } = {}) {
  const state = {} as { url: string; prisma: Database };
  let database: TestDatabase | undefined;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    database = await target.create();
    await migrateDatabase(database.url);
    const opened = await openDatabase({
      kind: "postgres",
      url: database.url,
      poolMax: options.poolMax ?? 2,
      connectTimeoutMs: 10_000,
    });
    close = opened.close;
    Object.assign(state, { url: database.url, prisma: opened.prisma });
  });
  afterAll(async () => {
    await close?.();
    await database?.drop();
  });
  return state;
}
