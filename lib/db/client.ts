// The one Prisma client of the process, through @prisma/adapter-pg.
import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { config } from "../config";
import { databaseFailed, setDatabaseProbe } from "./availability";
import { openConnection, createPool, type DatabaseConfig } from "./connection";
import { PrismaClient } from "./generated/client";

export type Database = PrismaClient;

type Opened = { prisma: PrismaClient; pool: pg.Pool; close: () => Promise<void> };

// Next.js may load this module more than once per process (route bundles, dev reloads):
// keep one client, one pool and one embedded database per process.
const globalForDb = globalThis as unknown as { appDatabase?: Promise<Opened> };

export async function openDatabase(database: DatabaseConfig): Promise<Opened> {
  const connection = await openConnection(database);
  const pool = createPool(connection.url, {
    max: connection.poolMax,
    connectTimeoutMs: database.connectTimeoutMs,
  });
  // Any query that meets the database unreachable tells lib/db/availability.ts, wherever it is
  // made: a page's later read answers the 503 as the gate's first one does.
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) }).$extends({
    query: {
      async $allOperations({ args, query }) {
        try {
          return await query(args);
        } catch (error) {
          await databaseFailed(error);
          throw error;
        }
      },
    },
  }) as unknown as PrismaClient;
  return {
    prisma,
    pool,
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
      await connection.embedded?.stop();
    },
  };
}

/**
 * The pool under the client, for the job queue (lib/jobs/queue.ts): one pool per process, so the
 * embedded database, which serves one connection at a time, is never asked by two.
 */
export async function dbPool(): Promise<pg.Pool> {
  await db();
  return (await globalForDb.appDatabase!).pool;
}

// How proxy.ts learns that a database it saw down answers again (lib/db/availability.ts).
setDatabaseProbe(async () => {
  const prisma = await db();
  await prisma.$queryRaw`SELECT 1`;
});

/** The database client. The first call connects (and starts the embedded database). */
export async function db(): Promise<PrismaClient> {
  if (!globalForDb.appDatabase) {
    const opening = openDatabase(config().database);
    globalForDb.appDatabase = opening;
    // A failed start is not cached: the next request tries again.
    opening.catch(() => {
      if (globalForDb.appDatabase === opening) globalForDb.appDatabase = undefined;
    });
  }
  return (await globalForDb.appDatabase).prisma;
}

/** Closes the process's client and pool (graceful shutdown); the next db() would open them again. */
export async function closeDatabase(): Promise<void> {
  const opening = globalForDb.appDatabase;
  globalForDb.appDatabase = undefined;
  const opened = await opening?.catch(() => undefined);
  await opened?.close();
}
