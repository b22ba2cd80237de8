import { EventEmitter } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { installGracefulShutdown } from "./shutdown";

/** A process whose own exit we can watch: `serverExit` is Next.js's exit after draining. */
function fakeProcess(nextHandlesSignals: boolean) {
  const emitter = new EventEmitter() as unknown as NodeJS.Process & EventEmitter;
  const serverExit = vi.fn();
  emitter.exit = serverExit as unknown as NodeJS.Process["exit"];
  if (nextHandlesSignals) emitter.on("SIGTERM", () => {});
  return emitter;
}

function steps(overrides: Partial<Parameters<typeof installGracefulShutdown>[0]> = {}) {
  const order: string[] = [];
  const exit = vi.fn((code: number) => order.push(`exit ${code}`));
  return {
    order,
    exit,
    settings: {
      stopJobs: vi.fn(async () => void order.push("jobs stopped")),
      closeDatabase: vi.fn(async () => void order.push("pool closed")),
      graceMs: 5_000,
      log: () => {},
      exit,
      ...overrides,
    },
  };
}

describe("installGracefulShutdown", () => {
  it("waits for the server to drain, then stops the jobs, closes the pool and exits 0", async () => {
    const proc = fakeProcess(true);
    const { order, exit, settings } = steps();
    installGracefulShutdown({ ...settings, process: proc });
    proc.emit("SIGTERM");
    await new Promise((resolve) => setImmediate(resolve));
    expect(settings.closeDatabase).not.toHaveBeenCalled(); // requests are still in flight
    expect(exit).not.toHaveBeenCalled();

    proc.exit(143); // Next.js: the last request was answered
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
    expect(order).toEqual(["jobs stopped", "pool closed", "exit 0"]);
  });

  it("exits 1 at the bound when requests are still running, without waiting for the pool forever", async () => {
    vi.useFakeTimers();
    try {
      const proc = fakeProcess(true);
      const { exit, settings } = steps({ graceMs: 1_000, closeDatabase: () => new Promise<void>(() => {}) });
      installGracefulShutdown({ ...settings, process: proc });
      proc.emit("SIGTERM");
      await vi.advanceTimersByTimeAsync(999);
      expect(exit).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1 + 2_000);
      expect(exit).toHaveBeenCalledWith(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("without Next.js's own handler, closes at once; a second signal changes nothing", async () => {
    const proc = fakeProcess(false);
    const { exit, settings } = steps();
    installGracefulShutdown({ ...settings, process: proc });
    proc.emit("SIGTERM");
    proc.emit("SIGINT");
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
    expect(settings.stopJobs).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledTimes(1);
  });
});
