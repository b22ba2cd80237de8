import { expect, test, type Browser, type Page } from "@playwright/test";
import { emulatorControl } from "../support/emulator-control";
import { pickAccount } from "../support/emulator-pages";
import { startAppServer, type AppServer } from "../support/app-server";

// ../shared/SECURITY.md "The sign-in flow": the identity provider's discovery documents and key
// set fail during sign-in (the emulator's outages: slow, 500, an HTML page) and the app ends the
// sign-in on its error page within its timeouts, creating nothing; the same server signs people
// in again as soon as the provider behaves, and takes a signing key rotated while it runs at once.
const PORT = 3520;
const CONTOSO = "4a1e9b5c-2f3d-4c8a-9e6b-1d2c3b4a5f60";

/** Each of Auth.js's fetches (discovery of the issuer, the token, the tenant's discovery): lib/auth/auth.ts. */
const AUTHJS_TIMEOUT_MS = 10_000;
/** Each of the app's own fetches for the ID token's keys (the tenant's discovery, its key set): lib/auth/id-token.ts. */
const KEY_SET_TIMEOUT_MS = 5_000;
/** A slow answer comes this late, after both: only the app's own timeout can end the wait sooner. */
const SLOW_MS = 20_000;
/** The rest of a sign-in (pages, the account picker, the callback) on top of a timeout. */
const MARGIN_MS = 4_000;

test.describe.configure({ mode: "serial" });

let app: AppServer;
const control = emulatorControl(PORT);
test.beforeAll(async () => {
  app = await startAppServer(PORT);
});
test.afterEach(async () => {
  await control("misbehave", { kind: "none" }); // the outage ends, whatever the test's outcome
});
test.afterAll(async () => {
  await app?.stop();
});

const stats = async () => (await control("stats")).json as { jwksRequests: number; faultyResponses: number };

/**
 * Opens the trial link in a new browser and, if the app sends it to Microsoft, picks `name` on the
 * emulator's account picker. `reachedMicrosoft` tells whether it got there.
 */
async function attemptSignIn(
  browser: Browser,
  name = /Megan Bowen/,
): Promise<{ page: Page; reachedMicrosoft: boolean }> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${app.url}/trial`);
  await page.waitForURL(
    (url) => url.pathname.endsWith("/oauth2/v2.0/authorize") || url.href.startsWith(`${app.url}/signin/error`),
    { timeout: 30_000 },
  );
  const reachedMicrosoft = page.url().includes("/oauth2/v2.0/authorize");
  if (reachedMicrosoft) await pickAccount(page, name);
  return { page, reachedMicrosoft };
}

async function expectRefused(page: Page) {
  await page.waitForURL(`${app.url}/signin/error**`, { timeout: 30_000 });
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign-in did not complete");
  expect((await page.context().cookies()).map((cookie) => cookie.name)).not.toContain("appsource.session");
  expect(await app.prisma.tenant.count()).toBe(0);
  expect(await app.prisma.user.count()).toBe(0);
  expect(await app.prisma.session.count()).toBe(0);
}

// Where each outage meets the sign-in, in the order it happens. `skip` lets the first requests to
// the broken document through, so the outage starts mid-sign-in. The app's own discovery of the
// tenant comes before any key set test: a key set test leaves Contoso's discovery remembered.
const stages = [
  {
    target: "discovery-common",
    skip: 0,
    where: "/common's discovery, as the sign-in starts (Auth.js)",
    reachesMicrosoft: false,
    ownKeyLookup: false,
    timeoutMs: AUTHJS_TIMEOUT_MS,
  },
  {
    target: "discovery-common",
    skip: 1,
    where: "/common's discovery, at the callback (Auth.js)",
    reachesMicrosoft: true,
    ownKeyLookup: false,
    timeoutMs: AUTHJS_TIMEOUT_MS,
  },
  {
    target: "discovery-tenant",
    skip: 0,
    where: "the tenant's discovery, for its issuer (Auth.js)",
    reachesMicrosoft: true,
    ownKeyLookup: false,
    timeoutMs: AUTHJS_TIMEOUT_MS,
  },
  {
    target: "discovery-tenant",
    skip: 1,
    where: "the tenant's discovery, for its key set (the app's own)",
    reachesMicrosoft: true,
    ownKeyLookup: true,
    timeoutMs: KEY_SET_TIMEOUT_MS,
  },
  {
    target: "jwks",
    skip: 0,
    where: "the tenant's key set",
    reachesMicrosoft: true,
    ownKeyLookup: true,
    timeoutMs: KEY_SET_TIMEOUT_MS,
  },
];
const answers = [
  ["500", "answers 500"],
  ["html", "answers an HTML page"],
  ["slow", "does not answer in time"],
] as const;

for (const stage of stages) {
  for (const [answer, how] of answers) {
    const kind = `${stage.target}-${answer}`;
    test(`ends on the sign-in error page when ${stage.where} ${how} (${kind}, skip ${stage.skip})`, async ({
      browser,
    }) => {
      const served = (await stats()).faultyResponses;
      const logStart = app.server.output().length;
      const asked = await control("misbehave", { kind, skip: stage.skip, delayMs: SLOW_MS });
      expect(asked.status).toBe(200);
      const started = Date.now();
      const { page, reachedMicrosoft } = await attemptSignIn(browser);
      await page.waitForURL(`${app.url}/signin/error**`, { timeout: 30_000 });
      const elapsed = Date.now() - started;
      await expectRefused(page);
      expect(reachedMicrosoft).toBe(stage.reachesMicrosoft);
      expect((await stats()).faultyResponses).toBeGreaterThan(served); // the outage was met
      // ...where meant: by the app's own lookup of the ID token's keys, or before it (Auth.js).
      const logged = () => app.server.output().slice(logStart);
      if (stage.ownKeyLookup) await expect.poll(logged).toContain("ID token refused (key-set-unavailable)");
      else expect(logged()).not.toContain("ID token refused");
      expect(logged()).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+/); // no token in the logs
      if (answer === "slow") {
        expect(elapsed).toBeGreaterThanOrEqual(stage.timeoutMs); // it waited for the provider, then gave up
        expect(elapsed).toBeLessThan(stage.timeoutMs + MARGIN_MS);
      } else {
        expect(elapsed).toBeLessThan(MARGIN_MS); // a broken answer is refused at once, no timeout waited
      }
    });
  }
}

test("once the provider behaves again, the same server signs Megan in: no failure was kept", async ({ browser }) => {
  const before = await stats();
  const { page } = await attemptSignIn(browser);
  await expect(page).toHaveURL(`${app.url}/dashboard`, { timeout: 20_000 });
  expect(await app.prisma.tenant.count({ where: { id: CONTOSO } })).toBe(1);
  expect(await app.prisma.session.count()).toBe(1);
  const after = await stats();
  expect(after.faultyResponses).toBe(before.faultyResponses);
  // Contoso's key set, which failed every time above, was fetched again rather than kept failed.
  expect(after.jwksRequests - before.jwksRequests).toBe(1);
});

test("a signing key rotated abruptly right after a sign-in: the next person signs in at once", async ({ browser }) => {
  // A new organization, so the first sign-in is the one that fetches its key set: the second
  // comes within the app's 30 s cooldown of that fetch, where jose alone would refuse a new kid.
  const tenant = (await control("tenants", { displayName: "Tailspin Toys", domains: ["tailspintoys.com"] })).json as {
    id: string;
  };
  for (const [name, username] of [
    ["Terry Adams", "terry@tailspintoys.com"],
    ["Robin Counts", "robin@tailspintoys.com"],
  ]) {
    expect((await control("users", { tenantId: tenant.id, name, username })).status).toBe(200);
  }
  const started = Date.now();
  const terry = await attemptSignIn(browser, /Terry Adams/);
  await expect(terry.page).toHaveURL(`${app.url}/dashboard`, { timeout: 20_000 });

  const rotated = await control("keys/rotate", { graceMs: 0 }); // the old key leaves the key set now
  expect(rotated.status).toBe(200);
  const before = (await stats()).jwksRequests;
  const robin = await attemptSignIn(browser, /Robin Counts/);
  await expect(robin.page).toHaveURL(`${app.url}/dashboard`, { timeout: 20_000 });
  expect(Date.now() - started).toBeLessThan(25_000); // still inside the cooldown: no waiting it out
  expect((await stats()).jwksRequests - before).toBe(1); // the new key, fetched once
  expect(await app.prisma.user.count({ where: { tenantId: tenant.id } })).toBe(2);
});
