import net from "node:net";
import { expect, test } from "@playwright/test";
import { openDatabase, type Database } from "../../lib/db/client";
import { migrateDatabase } from "../../lib/db/connection";
import { startPgliteServer } from "../../lib/db/pglite";
import { databaseTargets } from "../../test/databases";
import { openSession } from "../../test/sessions";
import { startTcpProxy, type TcpProxy } from "../../test/tcp-proxy";
import {
  spawnStandaloneServer,
  waitForExit,
  waitUntilServing,
  type StandaloneServer,
} from "../support/standalone-server";

// Issue "Many instances": far more concurrent requests than DATABASE_POOL_MAX queue and complete, or
// get a clear 503 after the connect timeout (never a hang, never a crash); and SIGTERM (scale-in,
// deploy) lets the requests in flight finish, closes the pool and exits 0.
const target = databaseTargets.at(-1)!;
const TENANT = "6c3a1d2e-4f5b-4a6c-9d7e-8f9a0b1c2d31";

test.describe.configure({ mode: "serial" });

let proxy: TcpProxy;
let prisma: Database;
let closeDatabase: () => Promise<void>;
let dropDatabase: () => Promise<void>;
let cookie: string;

test.beforeAll(async () => {
  const database =
    target.name === "PGlite"
      ? await startPgliteServer().then((embedded) => ({ url: embedded.url, drop: () => embedded.stop() }))
      : await target.create();
  dropDatabase = database.drop;
  await migrateDatabase(database.url);
  proxy = await startTcpProxy(database.url);
  ({ prisma, close: closeDatabase } = await openDatabase({
    kind: "postgres",
    url: database.url,
    poolMax: 1,
    connectTimeoutMs: 5_000,
  }));
  await prisma.tenant.create({ data: { id: TENANT, displayName: "Pool Test", status: "ACTIVE" } });
  const user = await prisma.user.create({
    data: { tenantId: TENANT, oid: "6c3a1d2e-4f5b-4a6c-9d7e-8f9a0b1c2d32", displayName: "Robin" },
  });
  cookie = `appsource.session=${await openSession(prisma, user.id, TENANT)}`;
});

test.afterAll(async () => {
  await proxy?.close();
  await closeDatabase?.();
  await dropDatabase?.();
});

async function serve(port: number, env: Record<string, string>): Promise<StandaloneServer> {
  const server = spawnStandaloneServer(port, { DATABASE_URL: proxy.url, JOB_WORKER: "off", ...env });
  await waitUntilServing(server);
  return server;
}

/** Opens a fresh TCP connection to the port (none of fetch's kept-alive ones). */
const newConnection = (port: number) =>
  new Promise<void>((resolve, reject) => {
    const socket = net.connect(port, "localhost", () => {
      socket.destroy();
      resolve();
    });
    socket.on("error", reject);
  });

const get = (server: StandaloneServer, path: string) =>
  fetch(`${server.url}${path}`, { headers: { cookie }, signal: AbortSignal.timeout(30_000) });

test.describe("pool exhaustion", () => {
  let server: StandaloneServer;
  test.beforeAll(async () => {
    server = await serve(3920, { DATABASE_POOL_MAX: "2", DATABASE_CONNECT_TIMEOUT_MS: "1000" });
  });
  test.afterAll(async () => {
    proxy.restore();
    await server?.stop();
  });

  test("twenty times the pool's requests at once queue and complete", async () => {
    proxy.slowDown(20);
    const answers = await Promise.all(Array.from({ length: 40 }, () => get(server, "/api/tenant")));
    expect(answers.map((answer) => answer.status)).toEqual(Array(40).fill(200));
    proxy.restore();
  });

  test("when the queue outlasts the connect timeout: a clear 503 for some, 200 for the rest, no hang, no crash", async () => {
    proxy.slowDown(400); // each query holds its connection ~0.4 s; the pool has 2; waiting is 1 s at most
    const paths = Array.from({ length: 60 }, (_, index) => (index % 3 === 2 ? "/dashboard" : "/api/tenant"));
    const answers = await Promise.all(
      paths.map(async (path) => {
        const response = await get(server, path);
        return {
          path,
          status: response.status,
          body: await response.text(),
          retryAfter: response.headers.get("retry-after"),
        };
      }),
    );
    // Nothing hung: every request was answered (each is given 30 s: get), 200 or a clear 503.
    expect(answers.filter((answer) => ![200, 503].includes(answer.status))).toEqual([]);
    expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThan(0);
    const refused = answers.filter((answer) => answer.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) {
      expect(answer.retryAfter).toBe("5");
      if (answer.path === "/api/tenant") expect(JSON.parse(answer.body)).toEqual({ error: "unavailable" });
      else expect(answer.body).toContain("is temporarily unavailable");
      expect(answer.body).not.toMatch(/timeout exceeded|at \w+ \(|node_modules/);
    }

    proxy.restore();
    await expect.poll(async () => (await get(server, "/api/tenant")).status, { timeout: 60_000 }).toBe(200);
    await expect.poll(async () => (await get(server, "/dashboard")).status, { timeout: 60_000 }).toBe(200);
    expect(server.process.exitCode).toBeNull();
  });
});

test.describe("graceful shutdown", () => {
  test("SIGTERM: the request in flight finishes, new ones are refused, the pool closes, exit 0", async () => {
    const server = await serve(3930, { DATABASE_POOL_MAX: "2" });
    try {
      expect((await get(server, "/api/tenant")).status).toBe(200);
      proxy.slowDown(1_500);
      const sent = proxy.sent;
      const inFlight = get(server, "/api/tenant");
      // The request has reached the server, which waits on the database, before the signal.
      await expect.poll(() => proxy.sent).toBeGreaterThan(sent);
      server.process.kill("SIGTERM");
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect((await answer.json()).tenantId).toBe(TENANT);
      // A new connection is refused (a load balancer moves on to the other instances).
      await expect(newConnection(3930)).rejects.toThrow(/ECONNREFUSED/);
      expect(await waitForExit(server, 20_000)).toBe(0);
      expect(server.output()).toContain("[shutdown] SIGTERM");
      expect(server.output()).toMatch(/\[shutdown\] done in \d+ ms: requests finished, pool closed/);
    } finally {
      proxy.restore();
      await server.stop();
    }
  });

  test("a request longer than SHUTDOWN_GRACE_SECONDS does not hold the process: it exits at the bound", async () => {
    const server = await serve(3931, { DATABASE_POOL_MAX: "2", SHUTDOWN_GRACE_SECONDS: "2" });
    try {
      expect((await get(server, "/api/tenant")).status).toBe(200);
      proxy.stall();
      const sent = proxy.sent;
      const stuck = get(server, "/api/tenant").catch(() => null);
      await expect.poll(() => proxy.sent).toBeGreaterThan(sent);
      const signalled = Date.now();
      server.process.kill("SIGTERM");
      expect(await waitForExit(server, 60_000)).toBe(1);
      // The grace period's own timer ended it (the stalled request would have held it for ever),
      // within twice the grace period plus a slack that no busy machine reaches.
      expect(server.output()).toContain("requests still running after 2 s");
      expect(Date.now() - signalled).toBeLessThan(2 * 2_000 + 10_000);
      await stuck;
    } finally {
      proxy.cut();
      proxy.restore();
      await server.stop();
    }
  });
});
