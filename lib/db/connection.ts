// Where the database is: the PostgreSQL server named by DATABASE_URL, or the embedded PGlite
// database, started (and migrated) on first use when DATABASE_URL is unset.
import pg from "pg";
import type { Config } from "../config";
import { MigrationAdapterFactory } from "./migration-adapter";
import { applyMigrations } from "./migrations";
import { startPgliteServer, type PgliteServer } from "./pglite";

export type DatabaseConfig = Config["database"];

/**
 * A pg pool with the app's settings. TLS follows the URL (`sslmode=require`, `verify-full`,
 * `sslrootcert=...`), as managed servers (Azure Database for PostgreSQL, Neon) document it.
 */
export function createPool(url: string, options: { max: number; connectTimeoutMs: number }): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max,
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: 10_000,
    // A query that hangs must not hold a request forever.
    query_timeout: 30_000,
  });
  // An idle connection that the server drops (restart, failover) emits 'error' on the pool;
  // unhandled, it would crash the process. The next query opens a fresh connection.
  pool.on("error", (error) => console.warn(`[db] idle connection closed: ${error.message}`));
  return pool;
}

/** An adapter factory for the schema engine (migrations), on a pool of its own. */
export function migrationAdapter(
  url: string,
  shadowUrl?: string,
): { factory: MigrationAdapterFactory; close: () => Promise<void> } {
  const pool = createPool(url, { max: 2, connectTimeoutMs: 10_000 });
  const shadowPool = shadowUrl ? createPool(shadowUrl, { max: 2, connectTimeoutMs: 10_000 }) : undefined;
  return {
    factory: new MigrationAdapterFactory(pool, shadowPool && new MigrationAdapterFactory(shadowPool)),
    close: async () => {
      await Promise.all([pool.end(), shadowPool?.end()]);
    },
  };
}

/** Applies pending migrations to the database at `url`; returns the names applied. */
export async function migrateDatabase(url: string, dir?: string): Promise<string[]> {
  const { factory, close } = migrationAdapter(url);
  try {
    return await applyMigrations(factory, dir);
  } finally {
    await close();
  }
}

export type Connection = { url: string; poolMax: number; embedded?: PgliteServer };

/** Resolves the configured database to a URL, starting the embedded one if needed. */
export async function openConnection(database: DatabaseConfig): Promise<Connection> {
  if (database.kind === "postgres") return { url: database.url, poolMax: database.poolMax };
  const embedded = await startPgliteServer(database.dataDir);
  try {
    // "Created and migrated automatically on first start": a new folder gets every migration,
    // an existing one the migrations it has not recorded yet.
    const applied = await migrateDatabase(embedded.url);
    if (applied.length) console.info(`[db] embedded database: applied ${applied.join(", ")}`);
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  // PGlite has one session: one pooled connection at a time keeps transactions apart.
  return { url: embedded.url, poolMax: 1, embedded };
}
