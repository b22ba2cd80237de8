// The app as deployed: the standalone server (`node server.js`), configured only through the
// production variables a real deployment sets, against Microsoft Entra ID (the local emulator,
// started on its own) and a PostgreSQL database migrated first, as a deployment pipeline does:
// a fresh database on TEST_DATABASE_URL's server, else PGlite served on a local port.
import { randomBytes } from "node:crypto";
import { openDatabase, type Database } from "../../lib/db/client";
import { migrateDatabase } from "../../lib/db/connection";
import { startPgliteServer } from "../../lib/db/pglite";
import { databaseTargets } from "../../test/databases";
import { startTcpProxy, type TcpProxy } from "../../test/tcp-proxy";
import { startEmulatorProcess } from "./emulator-process";
import { spawnStandaloneServer, STANDALONE_DIR, waitUntilServing, type StandaloneServer } from "./standalone-server";

export type AppServer = {
  url: string;
  server: StandaloneServer;
  /** The deployment's database, for specs that change tenant rows as an operator would. */
  prisma: Database;
  /** Which database server it runs on ("PostgreSQL server" or "PGlite"). */
  databaseName: string;
  /** The proxy between the server and its database, with `databaseProxy`. */
  databaseProxy?: TcpProxy;
  stop(): Promise<void>;
};

export type AppServerOptions = {
  /** More production variables (TRIAL_MODE, WEBSITE_SITE_NAME, ...); "" removes one. */
  env?: Record<string, string>;
  /** The public URL the Entra app registration names. Default: http://localhost:<port>. */
  publicUrl?: string;
  /** The standalone server's folder. Default: .next/standalone. */
  dir?: string;
  /** Reach the database through a TCP proxy the test can cut (test/tcp-proxy.ts). */
  databaseProxy?: boolean;
};

export const databaseTarget = databaseTargets.at(-1)!;

/** What every instance of one deployment shares: its database and Entra ID (the emulator). */
export type DeploymentServices = {
  /**
   * The production variables every instance gets alike: DATABASE_URL (and its pool size),
   * AUTH_SECRET, the Entra app registration, the marketplace's (emulator-process.ts).
   */
  env: Record<string, string>;
  stop(): Promise<void>;
};

/**
 * A database migrated first, as a deployment pipeline does (a fresh one on TEST_DATABASE_URL's
 * server, else PGlite served on a local port), and the emulator for the app on `appPort` (on
 * appPort+10 and +11) with the app registered for `publicUrl`.
 */
export async function startDeploymentServices(appPort: number, publicUrl: string): Promise<DeploymentServices> {
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

    const entra = await startEmulatorProcess(appPort, publicUrl);
    cleanup.push(entra.stop);
    return {
      env: {
        ...entra.settings,
        AUTH_SECRET: randomBytes(32).toString("base64url"),
        DATABASE_URL: database.url,
        // PGlite serves one connection at a time.
        DATABASE_POOL_MAX: databaseTarget.name === "PGlite" ? "1" : "5",
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The spec's own connection to the deployment's database. */
export function openSpecDatabase(url: string): Promise<{ prisma: Database; close(): Promise<void> }> {
  return openDatabase({ kind: "postgres", url, poolMax: 1, connectTimeoutMs: 5_000 });
}

export async function startAppServer(port: number, options: AppServerOptions = {}): Promise<AppServer> {
  const cleanup: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  };
  try {
    const url = `http://localhost:${port}`;
    const services = await startDeploymentServices(port, options.publicUrl ?? url);
    cleanup.push(services.stop);

    const proxy = options.databaseProxy ? await startTcpProxy(services.env.DATABASE_URL!) : undefined;
    if (proxy) cleanup.push(proxy.close);

    const server = spawnStandaloneServer(
      port,
      { ...services.env, ...(proxy && { DATABASE_URL: proxy.url }), ...options.env },
      options.dir ?? STANDALONE_DIR,
    );
    cleanup.push(server.stop);
    await waitUntilServing(server);

    const { prisma, close } = await openSpecDatabase(services.env.DATABASE_URL!);
    cleanup.push(close);
    return { url, server, prisma, databaseName: databaseTarget.name, databaseProxy: proxy, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
