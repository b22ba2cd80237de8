import { expect, test, type Browser, type Page } from "@playwright/test";
import { expectAccessibleAndContained } from "../support/axe";
import { capturedCallback, pickAccount } from "../support/emulator-pages";
import { startAppServer, type AppServer } from "../support/app-server";

// Issue "Many instances": the database goes away mid-traffic (a TCP proxy of the test's own between
// the app and PostgreSQL, cut or stalled), and comes back. /api/health answers 503 within 3 s; pages
// answer the "temporarily unavailable" page with 503 (no stack, no 500); API routes 503 with
// Retry-After; nothing half-written; the same process serves again once the database is back.
const PORT = 3900;
const CONTOSO = "4a1e9b5c-2f3d-4c8a-9e6b-1d2c3b4a5f60";
const FABRIKAM = "5b2f0c6d-3e4a-4d9b-8f7c-2e3d4c5b6a71";
const IAN = "1b8d2a3f-2c4e-4f6a-9b0c-1d2e3f4a5b01";

test.describe.configure({ mode: "serial" });

let app: AppServer;
test.beforeAll(async () => {
  app = await startAppServer(PORT, { databaseProxy: true });
});
test.afterAll(async () => {
  await app?.stop();
});

const proxy = () => app.databaseProxy!;
/** The server's output from now on. */
function logFromNow() {
  const start = app.server.output().length;
  return () => app.server.output().slice(start);
}

async function signIn(browser: Browser, name: RegExp): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${app.url}/trial`);
  await pickAccount(page, name);
  await page.waitForURL(`${app.url}/dashboard`);
  return page;
}

/** Requests of a signed-in person, one after another until stopped: every status seen. */
function traffic(page: Page) {
  const statuses: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      for (const path of ["/api/tenant", "/dashboard", "/api/health"]) {
        const response = await page.request.get(`${app.url}${path}`, { timeout: 60_000 }).catch(() => null);
        statuses.push(response?.status() ?? -1);
      }
    }
  })();
  return {
    statuses,
    stop: async () => {
      running = false;
      await done;
      return statuses;
    },
  };
}

const NO_INTERNALS = /ECONNREFUSED|Connection terminated|at \w+ \(|node_modules|127\.0\.0\.1|prisma/i;

test("the database stops mid-traffic: 503s written for people, never a 500, and the same process recovers", async ({
  browser,
}) => {
  const megan = await signIn(browser, /Megan Bowen/);
  const pid = app.server.process.pid;
  const load = traffic(megan);
  await expect.poll(() => load.statuses.length).toBeGreaterThan(6);

  // A network that drops everything: the health check's own deadline (3 s) answers, and says so;
  // within twice the deadline plus a slack, whatever the machine is doing.
  proxy().stall();
  let logged = logFromNow();
  let started = Date.now();
  const stalled = await megan.request.get(`${app.url}/api/health`);
  expect(Date.now() - started).toBeLessThan(2 * 3_000 + 10_000);
  expect(stalled.status()).toBe(503);
  await expect.poll(logged).toContain("[health] database check failed: no answer within 3000 ms");

  // The database refuses connections: refused at the refusal, no deadline waited for.
  proxy().cut();
  logged = logFromNow();
  started = Date.now();
  const health = await megan.request.get(`${app.url}/api/health`);
  expect(Date.now() - started).toBeLessThan(2 * 3_000 + 10_000);
  expect(health.status()).toBe(503);
  await expect.poll(logged).toMatch(/\[health\] database check failed: (?!no answer within)/);
  expect(await health.json()).toEqual({ status: "unavailable", checks: expect.objectContaining({ database: "down" }) });
  // The traffic meets the outage too (whenever its next request comes): a 503, not an error.
  await expect.poll(() => load.statuses.includes(503), { timeout: 30_000 }).toBe(true);

  const response = await megan.goto(`${app.url}/dashboard`);
  expect(response?.status()).toBe(503);
  expect(response?.headers()["retry-after"]).toBe("5");
  await expect(megan.getByRole("heading", { level: 1 })).toHaveText(/is temporarily unavailable/);
  await expect(megan.getByRole("link", { name: "Try again" })).toHaveAttribute("href", "/dashboard");
  expect(await megan.content()).not.toMatch(NO_INTERNALS);
  await expectAccessibleAndContained(megan, "the unavailable page (desktop)");
  await megan.screenshot({ path: "test-results/screenshots/database-unavailable-desktop.png", fullPage: true });
  await megan.setViewportSize({ width: 390, height: 844 });
  await expectAccessibleAndContained(megan, "the unavailable page (phone)");
  await megan.screenshot({ path: "test-results/screenshots/database-unavailable-phone.png", fullPage: true });

  const api = await megan.request.get(`${app.url}/api/tenant`);
  expect(api.status()).toBe(503);
  expect(api.headers()["retry-after"]).toBe("5");
  expect(await api.json()).toEqual({ error: "unavailable" });

  // Pages that never need the database are still served.
  expect((await megan.request.get(`${app.url}/privacy`)).status()).toBe(200);

  proxy().restore();
  await expect
    .poll(async () => (await megan.request.get(`${app.url}/api/health`)).status(), { timeout: 60_000 })
    .toBe(200);
  await expect
    .poll(async () => (await megan.request.get(`${app.url}/api/tenant`)).status(), { timeout: 60_000 })
    .toBe(200);
  await megan.goto(`${app.url}/dashboard`);
  await expect(megan.getByRole("heading", { level: 1 })).not.toHaveText(/unavailable/);
  expect(new URL(megan.url()).pathname).toBe("/dashboard");

  // Whatever each request of the traffic met (before, during or after the outage), it got a page
  // or a 503, never a 500 or a dropped connection.
  const statuses = await load.stop();
  expect(statuses.filter((status) => ![200, 503].includes(status))).toEqual([]);
  expect(app.server.process.pid).toBe(pid);
  expect(app.server.process.exitCode).toBeNull();
});

test("a first sign-in whose callback meets the database down writes nothing, and succeeds once it is back", async ({
  browser,
}) => {
  const page = await (await browser.newContext()).newPage();
  const callback = await capturedCallback(page, app.url, /Ian Brooks/);

  proxy().cut();
  const response = await page.goto(callback);
  expect(response?.status()).not.toBe(500);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  expect(await page.content()).not.toMatch(NO_INTERNALS);
  expect((await page.context().cookies()).map((cookie) => cookie.name)).not.toContain("appsource.session");
  proxy().restore();

  // Nothing of Fabrikam or Ian was written: no tenant without its user, no user, no session.
  expect(await app.prisma.tenant.count({ where: { id: FABRIKAM } })).toBe(0);
  expect(await app.prisma.user.count({ where: { oid: IAN } })).toBe(0);
  expect(await app.prisma.tenant.count({ where: { users: { none: {} } } })).toBe(0);

  // Once the database answers again, the same person signs in: one tenant, one user.
  await expect
    .poll(async () => (await page.request.get(`${app.url}/api/health`)).status(), { timeout: 60_000 })
    .toBe(200);
  const again = await signIn(browser, /Ian Brooks/);
  await expect(again.getByRole("heading", { level: 1 })).toBeVisible();
  expect(await app.prisma.user.count({ where: { oid: IAN } })).toBe(1);
  expect(await app.prisma.tenant.count({ where: { id: FABRIKAM } })).toBe(1);
  expect(await app.prisma.tenant.count({ where: { id: CONTOSO } })).toBe(1);
});
