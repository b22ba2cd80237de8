// `npm run db:migrate`: applies prisma/migrations to the configured database, DATABASE_URL_UNPOOLED
// or DATABASE_URL, or the embedded database when neither is set. Same history as `npx prisma
// migrate deploy`; no native Prisma engine needed. scripts/db-migrate.ts runs it with the
// process's environment; the tests call it here.
import { ConfigError, parseDatabaseConfig } from "../config";
import { migrateDatabase } from "./connection";
import { startPgliteServer } from "./pglite";

/** Where the command writes: standard output and standard error. */
export type CommandOutput = { info(line: string): void; warn(line: string): void; error(line: string): void };

/** Migrates the database `env` configures; returns the exit code (0 done, 1 failed, said why). */
export async function dbMigrateCommand(env: Record<string, string | undefined>, out: CommandOutput): Promise<number> {
  const report = (applied: string[], where: string) =>
    out.info(
      applied.length
        ? `Applied ${applied.length} migration(s) to ${where}:\n${applied.map((name) => `  - ${name}`).join("\n")}`
        : `No pending migrations: ${where} is up to date.`,
    );
  try {
    const database = parseDatabaseConfig(env);
    if (database.kind === "postgres") {
      const migrationUrl = database.migrationUrl ?? database.url;
      const direct = migrationUrl !== database.url;
      if (!direct && new URL(database.url).hostname.includes("-pooler.")) {
        out.warn("DATABASE_URL names a connection pooler: set DATABASE_URL_UNPOOLED to the direct connection.");
      }
      report(
        await migrateDatabase(migrationUrl),
        `the database at ${direct ? "DATABASE_URL_UNPOOLED" : "DATABASE_URL"}`,
      );
      return 0;
    }
    const embedded = await startPgliteServer(database.dataDir);
    try {
      report(await migrateDatabase(embedded.url), `the embedded database (${database.dataDir})`);
    } finally {
      await embedded.stop();
    }
    return 0;
  } catch (error) {
    // The message only: a stack trace helps nobody here, and a URL with a password must not leak.
    out.error(error instanceof ConfigError ? error.message : `Migration failed: ${(error as Error).message}`);
    return 1;
  }
}
