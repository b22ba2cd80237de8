import { expect, test } from "@playwright/test";
import { migrateDatabase } from "../lib/db/connection";
import { startPgliteServer } from "../lib/db/pglite";
import { databaseTargets } from "../test/databases";
import { startTcpProxy, type TcpProxy } from "../test/tcp-proxy";
import { spawnStandaloneServer, waitUntilServing, type StandaloneServer } from "./support/standalone-server";

// A server on DATABASE_URL, reaching its database through a proxy the test can cut: the real
// PostgreSQL server when TEST_DATABASE_URL names one, else a PGlite database served locally.
const target = databaseTargets.at(-1)!;

test.describe(`when the database (${target.name}) stops and comes back`, () => {
  let proxy: TcpProxy;
  let server: StandaloneServer;
  let dropDatabase: () => Promise<void>;

  test.beforeAll(async () => {
    const database = target.name === "PGlite" ? await pglite() : await target.create();
    dropDatabase = database.drop;
    await migrateDatabase(database.url);
    proxy = await startTcpProxy(database.url);
    server = spawnStandaloneServer(3191, { DATABASE_URL: proxy.url, DATABASE_CONNECT_TIMEOUT_MS: "1000" });
    await waitUntilServing(server);
  });

  test.afterAll(async () => {
    await server?.stop();
    await proxy?.close();
    await dropDatabase?.();
  });

  test("health goes 200 → 503 → 200, pages keep being served, and the server does not crash", async ({
    page,
    request,
  }) => {
    const health = () => request.get(`${server.url}/api/health`);
    expect((await health()).status()).toBe(200);

    proxy.cut();
    const down = await health();
    expect(down.status()).toBe(503);
    expect(down.headers()["content-type"]).toContain("application/json");
    const body = await down.text();
    expect(JSON.parse(body)).toEqual({ status: "unavailable", checks: { database: "down" } });
    expect(body).not.toMatch(/ECONNREFUSED|terminated|127\.0\.0\.1|at /);

    const home = await page.goto(`${server.url}/`);
    expect(home?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();

    // A page that needs the database (a signed-in visitor's) shows a page written for people.
    await page.context().addCookies([{ name: "appsource.session", value: "any-session", url: server.url }]);
    await page.goto(`${server.url}/dashboard`);
    await expect(page.getByRole("heading", { name: "We can't show this page right now" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Try again" })).toBeVisible();
    expect(await page.content()).not.toMatch(/ECONNREFUSED|at \w+ \(|node_modules/);

    proxy.restore();
    await expect.poll(async () => (await health()).status(), { timeout: 15_000 }).toBe(200);
    expect(server.process.exitCode).toBeNull();
  });
});

async function pglite() {
  const embedded = await startPgliteServer();
  return { url: embedded.url, drop: () => embedded.stop() };
}
