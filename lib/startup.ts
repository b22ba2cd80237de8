// What the server does once at start, before the first request (called from instrumentation.ts).
import { ConfigError, config } from "./config";
import { closeDatabase, db } from "./db/client";
import { pendingMigrations } from "./db/migrations";
import { startJobWorker, stopJobWorker } from "./jobs/queue";
import { checkFulfillmentCredential } from "./marketplace/credential-check";
import { installGracefulShutdown } from "./shutdown";

export async function startServer(): Promise<void> {
  let settings;
  try {
    settings = config();
  } catch (error) {
    // Wrong configuration stops the server at start, naming each variable (lib/config.ts).
    if (error instanceof ConfigError) {
      console.error(`\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  // SIGTERM (scale-in, deploy): requests in flight finish, jobs stop, the pool closes, exit 0.
  // Production only: `next dev` restarts its own workers.
  if (settings.nodeEnv === "production") {
    installGracefulShutdown({ stopJobs: stopJobWorker, closeDatabase, graceMs: settings.shutdownGraceMs });
  }

  // Open the database now (creating and migrating the embedded one on first start), so the
  // first visitor does not wait for it. A database that is down does not stop the server:
  // requests try again, and /api/health reports it.
  try {
    const prisma = await db();
    const pending = await pendingMigrations(prisma.$queryRaw.bind(prisma));
    if (pending.length) {
      console.warn(
        `[db] ${pending.length} migration(s) not applied yet (${pending.join(", ")}): run npm run db:migrate`,
      );
    }
  } catch (error) {
    console.error(`[db] not available at start: ${(error as Error).message}`);
  }

  // The job queue's worker (metering, credential checks), where a process lives on (not Vercel).
  if (settings.jobs.worker) {
    startJobWorker().catch((error) =>
      console.error(
        `[jobs] the worker did not start (the cron route still runs the jobs): ${(error as Error).message}`,
      ),
    );
  }

  // In production, the fulfillment app's credential is tried now, not at the first purchase: an
  // expired or wrong secret is logged at start naming the variable to fix, and /api/health reports
  // it (issue "Sell through Microsoft"). In the background: Entra ID being slow must not delay start.
  if (settings.marketplace && settings.nodeEnv === "production") void checkFulfillmentCredential();
}
