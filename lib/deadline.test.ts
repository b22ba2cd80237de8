import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeadlineExceeded, fetchWithDeadline } from "./deadline";

// A server of the test's own: one address answers at once, one sends its headers and never ends
// the body, one never answers at all.
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === "/json") return void response.end(JSON.stringify({ ok: true }));
    if (request.url === "/empty") return void response.writeHead(204).end();
    if (request.url === "/endless") return void response.writeHead(200).write("{");
    // /silent: nothing, ever
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe("fetchWithDeadline", () => {
  it("returns the answer, already read, status and headers kept", async () => {
    const response = await fetchWithDeadline(`${base}/json`, undefined, 5_000);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect((await fetchWithDeadline(`${base}/empty`, undefined, 5_000)).status).toBe(204);
  });

  it("gives up on a server that never answers, and on a body that never ends, with the deadline named", async () => {
    for (const path of ["/silent", "/endless"]) {
      const failure = await fetchWithDeadline(`${base}${path}`, undefined, 200).catch((error: unknown) => error);
      expect(failure, path).toBeInstanceOf(DeadlineExceeded);
      expect((failure as DeadlineExceeded).name).toBe("TimeoutError"); // as AbortSignal.timeout() names it
      expect((failure as DeadlineExceeded).message).toBe("no answer within 200 ms");
    }
  });

  it("clears its timer when the call ends: nothing is left to fire", async () => {
    const fired: number[] = [];
    const realSetTimeout = globalThis.setTimeout;
    const timers: ReturnType<typeof setTimeout>[] = [];
    globalThis.setTimeout = ((callback: () => void, ms: number) => {
      const timer = realSetTimeout(() => {
        fired.push(ms);
        callback();
      }, ms);
      timers.push(timer);
      return timer;
    }) as typeof setTimeout;
    try {
      await fetchWithDeadline(`${base}/json`, undefined, 50);
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
    expect(timers).toHaveLength(1);
    await new Promise((resolve) => realSetTimeout(resolve, 150));
    expect(fired).toEqual([]); // cleared, not merely outlived
  });

  it("is still aborted by the caller's own signal", async () => {
    const controller = new AbortController();
    const call = fetchWithDeadline(`${base}/silent`, { signal: controller.signal }, 60_000);
    controller.abort(new Error("the caller gave up"));
    await expect(call).rejects.toThrow("the caller gave up");
  });
});
