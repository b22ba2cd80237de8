// The job queue: pg-boss (PostgreSQL-backed: jobs, schedules and their history in its own schema,
// `pgboss`, beside the app's tables). Every long-running server process starts a worker
// (lib/startup.ts) unless JOB_WORKER=off: pg-boss fires each cron schedule once across all
// instances and hands each job to one worker at a time (a "singleton" queue). It talks through
// the app's own pool (lib/db/client.ts), so the embedded database is never asked by two pools.
import PgBoss from "pg-boss";
import type pg from "pg";
import { dbPool } from "../db/client";
import { JOBS, type Job } from "./jobs";

export type JobQueueOptions = {
  jobs?: readonly Job[];
  /** How often an idle worker asks for work (default 30 s). */
  pollingIntervalSeconds?: number;
  log?: Pick<Console, "info" | "error">;
};

/** Starts pg-boss on `pool`: its schema, a queue and a schedule per job, and a worker for each. */
export async function openJobQueue(pool: pg.Pool, options: JobQueueOptions = {}): Promise<PgBoss> {
  const jobs = options.jobs ?? JOBS;
  const log = options.log ?? console;
  const boss = new PgBoss({
    db: { executeSql: (text: string, values: unknown[]) => pool.query(text, values) },
    schema: "pgboss",
    // Finished jobs are kept a week for whoever looks into a failure.
    deleteAfterDays: 7,
  });
  boss.on("error", (error) => log.error(`[jobs] queue: ${error.message}`));
  await boss.start();
  for (const job of jobs) {
    await boss.createQueue(job.name, { name: job.name, policy: "singleton", retryLimit: 3, retryBackoff: true });
    await boss.schedule(job.name, job.cron, {}, { tz: "UTC" });
    await boss.work(job.name, { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 30 }, async () => {
      const result = await job.run();
      log.info(`[jobs] ${job.name}: ${JSON.stringify(result)}`);
    });
  }
  log.info(`[jobs] worker started: ${jobs.map((job) => `${job.name} (${job.cron})`).join(", ")}`);
  return boss;
}

const shared = globalThis as unknown as { jobQueue?: Promise<PgBoss> };

/** The process's worker, on the app's pool (once per process). */
export function startJobWorker(): Promise<PgBoss> {
  if (shared.jobQueue) return shared.jobQueue;
  const starting = dbPool().then((pool) => openJobQueue(pool));
  shared.jobQueue = starting;
  starting.catch(() => (shared.jobQueue = undefined));
  return starting;
}

/** Stops the worker: running jobs finish first (graceful shutdown). */
export async function stopJobWorker(timeoutMs = 20_000): Promise<void> {
  const boss = await shared.jobQueue?.catch(() => undefined);
  shared.jobQueue = undefined;
  await boss?.stop({ graceful: true, wait: true, timeout: timeoutMs });
}
