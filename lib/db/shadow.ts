// A throwaway in-memory PostgreSQL (PGlite) and its shadow database, for schema engine commands
// that replay migrations: creating a migration needs no database server at all.
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { migrationAdapter } from "./connection";
import { startPgliteServer } from "./pglite";

export async function withInMemoryDatabases<T>(
  run: (factory: SqlMigrationAwareDriverAdapterFactory) => Promise<T>,
): Promise<T> {
  const [main, shadow] = await Promise.all([startPgliteServer(), startPgliteServer()]);
  const { factory, close } = migrationAdapter(main.url, shadow.url);
  try {
    return await run(factory);
  } finally {
    await close();
    await Promise.all([main.stop(), shadow.stop()]);
  }
}
