// A throwaway in-memory PostgreSQL (PGlite) for schema engine commands that replay migrations on
// a "shadow database": creating a migration needs no database server at all.
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { migrationAdapter } from "./connection";
import { startPgliteServer } from "./pglite";

export async function withInMemoryDatabases<T>(
  run: (factory: SqlMigrationAwareDriverAdapterFactory) => Promise<T>,
): Promise<T> {
  const main = await startPgliteServer();
  const shadow = await startPgliteServer();
  const mainAdapter = migrationAdapter(main.url);
  const shadowAdapter = migrationAdapter(shadow.url);
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: "postgres",
    adapterName: mainAdapter.factory.adapterName,
    connect: () => mainAdapter.factory.connect(),
    connectToShadowDb: () => shadowAdapter.factory.connect(),
  };
  try {
    return await run(factory);
  } finally {
    await Promise.all([mainAdapter.close(), shadowAdapter.close()]);
    await Promise.all([main.stop(), shadow.stop()]);
  }
}
