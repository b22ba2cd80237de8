// The app's background jobs: what each does and when it runs. The queue's workers
// (./queue.ts) run them on their schedule; the cron route (/api/jobs/run) runs them all at once,
// for hosts without a long-running process (Vercel Cron) or an outside scheduler. Each job is
// safe to run twice at the same time: its rows are claimed in the database, never in memory.
import { db } from "../db/client";
import { meteringClient } from "../marketplace/client";
import { checkFulfillmentCredential } from "../marketplace/credential-check";
import { aggregateUsage, sendUsage } from "../marketplace/metering";

export type Job = {
  /** A queue name (pg-boss): letters, digits, dots and dashes. */
  name: string;
  /** When the queue's workers run it (cron, UTC). */
  cron: string;
  run(): Promise<Record<string, unknown>>;
};

export const JOBS: readonly Job[] = [
  {
    // Complete hours are counted a few minutes after they end (AGGREGATION_GRACE_MS), then sent.
    name: "marketplace.metering",
    cron: "10 * * * *",
    async run() {
      const client = meteringClient();
      if (!client) return { skipped: "the marketplace is off" };
      const prisma = await db();
      const counted = await aggregateUsage(prisma);
      const sent = await sendUsage(prisma, client);
      return { ...counted, ...sent };
    },
  },
  {
    // A secret that expired since the last call is found within the hour, not at the next purchase.
    name: "marketplace.credential-check",
    cron: "25 * * * *",
    async run() {
      if (!meteringClient()) return { skipped: "the marketplace is off" };
      const status = await checkFulfillmentCredential();
      return { credential: status?.ok ? "ok" : (status?.code ?? "not-checked") };
    },
  },
];

/** Runs every job now, one after the other; one failing does not stop the others. */
export async function runAllJobs(): Promise<{ ok: boolean; jobs: Record<string, unknown> }> {
  const jobs: Record<string, unknown> = {};
  let ok = true;
  for (const job of JOBS) {
    try {
      jobs[job.name] = await job.run();
    } catch (error) {
      ok = false;
      console.error(`[jobs] ${job.name} failed: ${(error as Error).message}`);
      jobs[job.name] = { failed: true };
    }
  }
  return { ok, jobs };
}
