// A throwaway in-memory PostgreSQL (PGlite) and its shadow database, for schema engine commands
// that replay migrations: creating a migration needs no database server at all.
import type { PGliteOptions } from "@electric-sql/pglite";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { migrationAdapter } from "./connection";
import { startPgliteServer } from "./pglite";

export async function withInMemoryDatabases<T>(
  run: (factory: SqlMigrationAwareDriverAdapterFactory) => Promise<T>,
  /** PGlite's options for both (the tests start them from a template: test/pglite-template.ts). */
  options: PGliteOptions = {},
): Promise<T> {
  const [main, shadow] = await Promise.all([
    startPgliteServer(undefined, options),
    startPgliteServer(undefined, options),
  ]);
  const { factory, close } = migrationAdapter(main.url, shadow.url);
  try {
    return await run(factory);
  } finally {
    await close();
    await Promise.all([main.stop(), shadow.stop()]);
  }
}
