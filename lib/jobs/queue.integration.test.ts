import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseTargets, type TestDatabase } from "@/test/databases";
import { createPool } from "../db/connection";
import { openJobQueue } from "./queue";

// The queue on each database the app supports: pg-boss's schema on the embedded database too,
// a job sent runs once on one of two workers, and its schedule is recorded.
describe.each(databaseTargets)("the job queue on $name", (target) => {
  let database: TestDatabase;
  const pools: import("pg").Pool[] = [];
  beforeAll(async () => {
    database = await target.create();
  });
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    await database?.drop();
  });

  it("runs a job sent to two workers once, and keeps its schedule", async () => {
    // The embedded database serves one connection at a time: one pool of one, as the app has.
    const embedded = target.name === "PGlite";
    const pool = createPool(database.url, { max: embedded ? 1 : 4, connectTimeoutMs: 10_000 });
    pools.push(pool);
    let runs = 0;
    const job = { name: "test.count", cron: "0 3 * * *", run: async () => ({ runs: ++runs }) };
    const quiet = { info: () => {}, error: () => {} };
    const first = await openJobQueue(pool, { jobs: [job], pollingIntervalSeconds: 0.5, log: quiet });
    const second = embedded ? null : await openJobQueue(pool, { jobs: [job], pollingIntervalSeconds: 0.5, log: quiet });
    try {
      const id = await first.send(job.name, {});
      await expect.poll(() => runs, { timeout: 30_000 }).toBe(1);
      const schedules = await first.getSchedules();
      expect(schedules.map((schedule) => [schedule.name, schedule.cron])).toEqual([["test.count", "0 3 * * *"]]);
      // Done for good: a completed job is never fetched again, by either worker (no waiting to see).
      await expect
        .poll(async () => (await first.getJobById(job.name, id!))?.state, { timeout: 30_000 })
        .toBe("completed");
      expect(runs).toBe(1);
    } finally {
      await second?.stop({ graceful: true, wait: true });
      await first.stop({ graceful: true, wait: true });
    }
  });
});
