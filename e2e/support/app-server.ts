// The app as deployed: the standalone server (`node server.js`), configured only through the
// production variables a real deployment sets, against Microsoft Entra ID (the local emulator,
// started on its own) and a PostgreSQL database migrated first, as a deployment pipeline does:
// a fresh database on TEST_DATABASE_URL's server, else PGlite served on a local port.
import { randomBytes } from "node:crypto";
import { openDatabase, type Database } from "../../lib/db/client";
import { migrateDatabase } from "../../lib/db/connection";
import { startPgliteServer } from "../../lib/db/pglite";
import { databaseTargets } from "../../test/databases";
import { startEmulatorProcess } from "./emulator-process";
import { spawnStandaloneServer, STANDALONE_DIR, waitUntilServing, type StandaloneServer } from "./standalone-server";

export type AppServer = {
  url: string;
  server: StandaloneServer;
  /** The deployment's database, for specs that change tenant rows as an operator would. */
  prisma: Database;
  /** Which database server it runs on ("PostgreSQL server" or "PGlite"). */
  databaseName: string;
  stop(): Promise<void>;
};

export type AppServerOptions = {
  /** More production variables (TRIAL_MODE, WEBSITE_SITE_NAME, ...); "" removes one. */
  env?: Record<string, string>;
  /** The public URL the Entra app registration names. Default: http://localhost:<port>. */
  publicUrl?: string;
  /** The standalone server's folder. Default: .next/standalone. */
  dir?: string;
};

export const databaseTarget = databaseTargets.at(-1)!;

export async function startAppServer(port: number, options: AppServerOptions = {}): Promise<AppServer> {
  const cleanup: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  };
  try {
    const database =
      databaseTarget.name === "PGlite"
        ? await startPgliteServer().then((embedded) => ({ url: embedded.url, drop: () => embedded.stop() }))
        : await databaseTarget.create();
    cleanup.push(database.drop);
    await migrateDatabase(database.url);

    const url = `http://localhost:${port}`;
    const entra = await startEmulatorProcess(port, options.publicUrl ?? url);
    cleanup.push(entra.stop);

    const server = spawnStandaloneServer(
      port,
      {
        ...entra.settings,
        AUTH_SECRET: randomBytes(32).toString("base64url"),
        DATABASE_URL: database.url,
        DATABASE_POOL_MAX: databaseTarget.name === "PGlite" ? "1" : "5",
        ...options.env,
      },
      options.dir ?? STANDALONE_DIR,
    );
    cleanup.push(server.stop);
    await waitUntilServing(server);

    const { prisma, close } = await openDatabase({
      kind: "postgres",
      url: database.url,
      poolMax: 1,
      connectTimeoutMs: 5_000,
    });
    cleanup.push(close);
    return { url, server, prisma, databaseName: databaseTarget.name, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
