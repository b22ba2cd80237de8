// The app scaled out, as deployed: several standalone servers (`node server.js`, each on a port of
// its own) with the same production variables, one PostgreSQL database and one Microsoft Entra ID
// (the emulator) for all, and one public URL in front: the test's load balancer
// (test/load-balancer.ts), whose routing a spec pins step by step. The app registration's redirect
// URIs and the marketplace's landing page and webhook name the public URL, never an instance.
import type { Database } from "../../lib/db/client";
import { startLoadBalancer, type LoadBalancer } from "../../test/load-balancer";
import { databaseTarget, openSpecDatabase, startDeploymentServices } from "./app-server";
import { spawnStandaloneServer, STANDALONE_DIR, waitUntilServing, type StandaloneServer } from "./standalone-server";

export type AppCluster = {
  /** The public URL: the load balancer's. */
  url: string;
  balancer: LoadBalancer;
  /** The instances, in the balancer's order: backend 0 is instances[0]. */
  instances: StandaloneServer[];
  /** The production variables every instance has (AUTH_SECRET, MARKETPLACE_CLIENT_ID, ...). */
  env: Record<string, string>;
  /** The deployment's database, for specs that read or change rows as an operator would. */
  prisma: Database;
  /** Which database server it runs on ("PostgreSQL server" or "PGlite"). */
  databaseName: string;
  stop(): Promise<void>;
};

export type AppClusterOptions = {
  /** How many instances (default 2). */
  instances?: number;
  /** More production variables, the same for every instance; "" removes one. */
  env?: Record<string, string>;
  /**
   * The standalone server's folder. Default: E2E_STANDALONE_DIR when set (a copy of the build, for
   * working on a spec while the project is rebuilt), else .next/standalone.
   */
  dir?: string;
};

/**
 * The load balancer on `port`, the instances on port+1, port+2, ...; the emulator takes port+10
 * and port+11 (emulator-process.ts).
 */
export async function startAppCluster(port: number, options: AppClusterOptions = {}): Promise<AppCluster> {
  const count = options.instances ?? 2;
  if (count < 1 || count > 9) throw new Error("1 to 9 instances: the emulator listens on port+10");
  const cleanup: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  };
  try {
    const url = `http://localhost:${port}`;
    const services = await startDeploymentServices(port, url);
    cleanup.push(services.stop);
    const env: Record<string, string> = { ...services.env, AUTH_URL: url, ...options.env };
    const dir = options.dir ?? (process.env.E2E_STANDALONE_DIR || STANDALONE_DIR);

    // One after the other, as a rolling deployment adds them. Each has tried the fulfillment
    // credential (lib/startup.ts) before the next starts: what the next one does at its own start
    // shows whether it found the first one's token in the database or asked Entra ID again.
    const instances: StandaloneServer[] = [];
    for (let index = 1; index <= count; index++) {
      const server = spawnStandaloneServer(port + index, env, dir);
      cleanup.push(server.stop);
      instances.push(server);
      await waitUntilServing(server);
      await waitUntilCredentialTried(server);
    }

    const balancer = await startLoadBalancer(
      port,
      instances.map((instance) => instance.url),
    );
    cleanup.push(balancer.close);

    const { prisma, close } = await openSpecDatabase(env.DATABASE_URL!);
    cleanup.push(close);
    return { url, balancer, instances, env, prisma, databaseName: databaseTarget.name, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Until /api/health reports the start's credential check done (any outcome), or 30 s. */
async function waitUntilCredentialTried(server: StandaloneServer, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const health = (await (await fetch(`${server.url}/api/health`)).json()) as {
      checks: { marketplaceCredential?: string };
    };
    if (health.checks.marketplaceCredential !== "not-checked") return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${server.url} did not try the fulfillment credential within ${timeoutMs} ms:\n${server.output()}`);
}
