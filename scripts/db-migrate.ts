// npm run db:migrate
// Applies prisma/migrations to the configured database: DATABASE_URL_UNPOOLED or DATABASE_URL, or
// the embedded database when neither is set. Same history as `npx prisma migrate deploy`; no
// native Prisma engine needed.
import nextEnv from "@next/env";
import { ConfigError, parseDatabaseConfig } from "../lib/config";
import { migrateDatabase } from "../lib/db/connection";
import { startPgliteServer } from "../lib/db/pglite";

async function main(): Promise<void> {
  // The same .env files `npm run dev` and `npm start` read, so both see the same database.
  nextEnv.loadEnvConfig(process.cwd());
  const database = parseDatabaseConfig(process.env);
  if (database.kind === "postgres") {
    const migrationUrl = database.migrationUrl ?? database.url;
    const direct = migrationUrl !== database.url;
    if (!direct && new URL(database.url).hostname.includes("-pooler.")) {
      console.warn("DATABASE_URL names a connection pooler: set DATABASE_URL_UNPOOLED to the direct connection.");
    }
    const applied = await migrateDatabase(migrationUrl);
    report(applied, `the database at ${direct ? "DATABASE_URL_UNPOOLED" : "DATABASE_URL"}`);
    return;
  }
  const embedded = await startPgliteServer(database.dataDir);
  try {
    report(await migrateDatabase(embedded.url), `the embedded database (${database.dataDir})`);
  } finally {
    await embedded.stop();
  }
}

function report(applied: string[], where: string): void {
  console.info(
    applied.length
      ? `Applied ${applied.length} migration(s) to ${where}:\n${applied.map((name) => `  - ${name}`).join("\n")}`
      : `No pending migrations: ${where} is up to date.`,
  );
}

main().catch((error: unknown) => {
  // The message only: a stack trace helps nobody here, and a URL with a password must not leak.
  console.error(error instanceof ConfigError ? error.message : `Migration failed: ${(error as Error).message}`);
  process.exit(1);
});
