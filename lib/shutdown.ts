// Graceful shutdown (issue "Many instances": App Service and containers send SIGTERM on scale-in
// and on every deploy). What a stopping server owes: the requests in flight finish, up to a bound
// (SHUTDOWN_GRACE_SECONDS); running jobs finish and no new one starts; the database pool closes,
// so PostgreSQL sees clean goodbyes rather than dropped connections; the process exits 0.
//
// Next.js's standalone server already handles SIGTERM: it stops accepting connections, waits for
// the requests in flight, closes itself and then calls process.exit(143). We let it drain, and
// take over only that final exit, to close what is ours first.
export type ShutdownSteps = {
  /** Stops the job worker (running jobs finish first), within the given time. */
  stopJobs: (timeoutMs: number) => Promise<void>;
  /** Closes the database client and pool. */
  closeDatabase: () => Promise<void>;
  graceMs: number;
  log?: (line: string) => void;
  /** Injected in tests; process.exit otherwise. */
  exit?: (code: number) => void;
  process?: NodeJS.Process;
};

const SIGNALS = ["SIGTERM", "SIGINT"] as const;
/** The most the pool's closing may take once the requests are done (or cut short). */
const CLOSE_BOUND_MS = 2_000;

export function installGracefulShutdown(steps: ShutdownSteps): void {
  const proc = steps.process ?? process;
  const log = steps.log ?? ((line: string) => console.info(line));
  const exit = steps.exit ?? proc.exit.bind(proc);
  // Whether Next.js drains the HTTP server and then exits by itself (its handlers were set before
  // ours; NEXT_MANUAL_SIG_HANDLE turns them off).
  const serverDrains = SIGNALS.map((signal) => proc.listenerCount(signal) > 0);
  let stopping = false;

  const onSignal = (signal: (typeof SIGNALS)[number], drains: boolean) => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    log(`[shutdown] ${signal}: finishing the requests in flight (at most ${steps.graceMs / 1000} s)`);
    // No new job starts from now on; the running ones finish meanwhile.
    const jobsStopped = steps.stopJobs(steps.graceMs).catch((error: Error) => log(`[shutdown] jobs: ${error.message}`));

    let finished = false;
    const finish = async (drained: boolean) => {
      if (finished) return;
      finished = true;
      clearTimeout(bound);
      await jobsStopped;
      // pool.end() waits for every connection to come back: one still held by a request cut
      // short never does, so closing gets a bound of its own.
      const closing = steps.closeDatabase().catch((error: Error) => log(`[shutdown] database: ${error.message}`));
      await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, CLOSE_BOUND_MS).unref())]);
      log(
        drained
          ? `[shutdown] done in ${Date.now() - started} ms: requests finished, pool closed`
          : `[shutdown] requests still running after ${steps.graceMs / 1000} s: stopped them, pool closed`,
      );
      exit(drained ? 0 : 1);
    };
    const bound = setTimeout(() => void finish(false), steps.graceMs);
    bound.unref();

    if (drains) {
      // The server's own exit comes once its last request has been answered: finish ours instead.
      proc.exit = (() => void finish(true)) as unknown as NodeJS.Process["exit"];
    } else {
      void finish(true);
    }
  };
  SIGNALS.forEach((signal, index) => proc.on(signal, () => onSignal(signal, serverDrains[index] ?? false)));
}
