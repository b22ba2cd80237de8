import { describe, expect, it, vi } from "vitest";
import { checkHealth } from "./health";

const off = () => undefined;

describe("checkHealth", () => {
  it("answers 200 when the database answers", async () => {
    await expect(checkHealth(async () => {}, 3_000, off)).resolves.toEqual({
      httpStatus: 200,
      report: { status: "ok", checks: { database: "up" } },
    });
  });

  it("answers 503 without the error's text when the database fails", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const result = await checkHealth(
      async () => {
        throw new Error("connect ECONNREFUSED 10.1.2.3:5432 password=hunter2");
      },
      3_000,
      off,
    );
    expect(result).toEqual({ httpStatus: 503, report: { status: "unavailable", checks: { database: "down" } } });
    expect(JSON.stringify(result)).not.toMatch(/ECONNREFUSED|hunter2|at /);
  });

  it("answers 503 when the database does not answer in time: its own deadline ends the wait", async () => {
    vi.useFakeTimers();
    try {
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      let answered = false;
      const result = checkHealth(() => new Promise(() => {}), 3_000, off).finally(() => (answered = true));
      await vi.advanceTimersByTimeAsync(2_999);
      expect(answered).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect((await result).httpStatus).toBe(503);
      expect(warn).toHaveBeenCalledWith("[health] database check failed: no answer within 3000 ms");
      expect(vi.getTimerCount()).toBe(0); // nothing left behind
    } finally {
      vi.useRealTimers();
    }
  });

  it("reports a refused fulfillment credential without turning the answer into 503", async () => {
    await expect(
      checkHealth(
        async () => {},
        3_000,
        () => "refused",
      ),
    ).resolves.toEqual({
      httpStatus: 200,
      report: { status: "ok", checks: { database: "up", marketplaceCredential: "refused" } },
    });
  });
});
