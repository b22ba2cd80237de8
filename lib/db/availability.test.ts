import { afterEach, describe, expect, it, vi } from "vitest";
import {
  databaseFailed,
  databaseIsDown,
  isDatabaseUnavailable,
  markDatabaseDown,
  markDatabaseUp,
  PROBE_INTERVAL_MS,
  setDatabaseProbe,
  setUnavailableHandler,
} from "./availability";

describe("isDatabaseUnavailable", () => {
  it.each([
    ["the pool's wait", new Error("timeout exceeded when trying to connect")],
    ["a dropped connection", new Error("Connection terminated unexpectedly")],
    ["a refused connection", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })],
    ["PostgreSQL shutting down", Object.assign(new Error("terminating connection"), { code: "57P01" })],
    ["too many connections", Object.assign(new Error("sorry, too many clients already"), { code: "53300" })],
    ["Prisma's unreachable server", Object.assign(new Error("Can't reach database server"), { code: "P1001" })],
    [
      "Prisma's raw query failure wrapping the adapter's",
      Object.assign(new Error("Raw query failed"), {
        code: "P2010",
        meta: {
          driverAdapterError: Object.assign(new Error("ConnectionClosed"), { cause: { kind: "ConnectionClosed" } }),
        },
      }),
    ],
    ["an error caused by one", new Error("query failed", { cause: new Error("Connection terminated") })],
  ])("is true for %s", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ["a unique violation", Object.assign(new Error("Unique constraint failed"), { code: "P2002" })],
    ["a syntax error", Object.assign(new Error("syntax error"), { code: "42601" })],
    ["a bug", new TypeError("undefined is not a function")],
    ["not an error", "Connection terminated"],
    ["nothing", undefined],
  ])("is false for %s", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it("does not follow a cause chain forever", () => {
    const looped: { cause?: unknown } = {};
    looped.cause = looped;
    expect(isDatabaseUnavailable(looped)).toBe(false);
  });
});

describe("databaseIsDown", () => {
  afterEach(() => {
    markDatabaseUp();
    vi.restoreAllMocks();
  });

  it("holds 'down' for the probe interval, then probes once at a time and comes back up", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.spyOn(console, "info").mockImplementation(() => {});
    let answer!: () => void;
    const probe = vi.fn(() => new Promise<void>((resolve) => (answer = resolve)));
    setDatabaseProbe(probe);
    const now = Date.now();
    markDatabaseDown();
    expect(databaseIsDown(now + PROBE_INTERVAL_MS - 10)).toBe(true);
    expect(probe).not.toHaveBeenCalled();

    expect(databaseIsDown(now + PROBE_INTERVAL_MS + 10)).toBe(true);
    expect(databaseIsDown(now + PROBE_INTERVAL_MS + 20)).toBe(true);
    expect(probe).toHaveBeenCalledTimes(1);
    answer();
    await vi.waitFor(() => expect(databaseIsDown()).toBe(false));
  });

  it("stays down when the probe fails, and probes again only after another interval", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const probe = vi.fn(async () => {
      throw new Error("Connection terminated");
    });
    setDatabaseProbe(probe);
    markDatabaseDown();
    const later = Date.now() + PROBE_INTERVAL_MS + 10;
    expect(databaseIsDown(later)).toBe(true);
    await vi.waitFor(() => expect(probe).toHaveBeenCalledTimes(1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(databaseIsDown(Date.now())).toBe(true);
    expect(probe).toHaveBeenCalledTimes(1);
  });
});

describe("databaseFailed", () => {
  afterEach(() => {
    markDatabaseUp();
    setUnavailableHandler(async () => {});
    vi.restoreAllMocks();
  });

  it("marks the database down and lets the request's handler answer, for an unreachable database only", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const handler = vi.fn(async () => {});
    setUnavailableHandler(handler);
    await databaseFailed(Object.assign(new Error("Unique constraint failed"), { code: "P2002" }));
    expect(handler).not.toHaveBeenCalled();
    expect(databaseIsDown()).toBe(false);

    await databaseFailed(new Error("Connection terminated unexpectedly"));
    expect(handler).toHaveBeenCalledTimes(1);
    expect(databaseIsDown()).toBe(true);
  });
});
