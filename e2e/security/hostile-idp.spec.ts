import { expect, test, type Browser, type Page } from "@playwright/test";
import { emulatorControl } from "../support/emulator-control";
import { capturedCallback, pickAccount } from "../support/emulator-pages";
import { startAppServer, type AppServer } from "../support/app-server";

// ../shared/SECURITY.md "Tokens" and "The sign-in flow": the identity provider misbehaves (the
// emulator's switches), and the app refuses: the person lands on the sign-in error page, no
// session cookie is issued, no tenant or user row is created.
const PORT = 3500;
const CONTOSO = "4a1e9b5c-2f3d-4c8a-9e6b-1d2c3b4a5f60";

test.describe.configure({ mode: "serial" });

let app: AppServer;
const control = emulatorControl(PORT);
test.beforeAll(async () => {
  app = await startAppServer(PORT);
});
test.afterAll(async () => {
  await app?.stop();
});

/** Opens the trial link and signs Megan in at the emulator, up to the app's callback. */
async function signInAsMegan(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${app.url}/trial`);
  await page.waitForURL(/\/oauth2\/v2\.0\/authorize\?/);
  await pickAccount(page, /Megan Bowen/);
  return page;
}

async function expectRefused(page: Page) {
  await page.waitForURL(`${app.url}/signin/error**`, { timeout: 30_000 });
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign-in did not complete");
  expect((await page.context().cookies()).map((cookie) => cookie.name)).not.toContain("appsource.session");
  expect(await app.prisma.tenant.count()).toBe(0);
  expect(await app.prisma.user.count()).toBe(0);
  expect(await app.prisma.session.count()).toBe(0);
}

const tokenAttacks: [string, string][] = [
  ["bad-signature", "a signature that does not verify"],
  ["alg-none", "alg: none"],
  ["hs256-public-key", "HS256 keyed with the RSA public key"],
  ["jku-header", "a key offered by URL in the header (jku)"],
  ["jwk-header", "a key embedded in the header (jwk)"],
  ["x5u-header", "a certificate offered by URL in the header (x5u)"],
  ["unknown-kid", "a kid absent from the tenant's key set"],
  ["wrong-iss", "an issuer of another authority"],
  ["iss-tid-mismatch", "an issuer of another tenant than its tid"],
  ["templated-iss", "the templated {tenantid} issuer"],
  ["tid-not-guid", "a tid that is not a GUID"],
  ["wrong-aud", "another app's audience"],
  ["extra-aud", "an extra audience"],
  ["wrong-azp", "another authorized party"],
  ["expired", "an expired token"],
  ["not-yet-valid", "a token not yet valid"],
  ["missing-exp", "no exp"],
  ["missing-iat", "no iat"],
  ["stale-iat", "an iat far in the past"],
  ["missing-sub", "no sub"],
  ["missing-nonce", "no nonce"],
  ["wrong-nonce", "another nonce"],
  ["access-token-as-id-token", "an access token where an ID token is expected"],
];

for (const [kind, what] of tokenAttacks) {
  test(`refuses an ID token with ${what} (${kind})`, async ({ browser }) => {
    expect((await control("misbehave", { kind })).status).toBe(200);
    await expectRefused(await signInAsMegan(browser));
  });
}

// A token endpoint that does not answer in time: idp-timeouts.spec.ts.
const brokenTokenEndpoint: [string, string][] = [
  ["token-500", "answers 500"],
  ["token-html", "answers HTML"],
  ["token-empty-json", "answers {}"],
  ["token-huge", "answers a huge body"],
];

for (const [kind, what] of brokenTokenEndpoint) {
  test(`fails in a controlled way when the token endpoint ${what} (${kind})`, async ({ browser }) => {
    expect((await control("misbehave", { kind })).status).toBe(200);
    await expectRefused(await signInAsMegan(browser));
    await control("misbehave", { kind: "none" });
  });
}

test("refuses a callback whose state was altered", async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  const callback = new URL(await capturedCallback(page, app.url, /Megan Bowen/));
  callback.searchParams.set("state", `${callback.searchParams.get("state")}x`);
  await page.goto(callback.toString()); // same browser, its own cookies
  await expectRefused(page);
});

test("refuses a callback replayed in another browser, and a callback with no state", async ({ browser }) => {
  const callback = await capturedCallback(await (await browser.newContext()).newPage(), app.url, /Megan Bowen/);

  const other = await (await browser.newContext()).newPage();
  await other.goto(callback);
  await expectRefused(other);

  const stateless = new URL(callback);
  stateless.searchParams.delete("state");
  const third = await (await browser.newContext()).newPage();
  await third.goto(stateless.toString());
  await expectRefused(third);
  expect(await app.prisma.tenant.count({ where: { id: CONTOSO } })).toBe(0);
});

test("control: a captured callback, delivered untouched in its own browser, does sign in", async ({ browser }) => {
  // Proves the captures above are sound callbacks: only what each test altered was refused.
  const page = await (await browser.newContext()).newPage();
  await page.goto(await capturedCallback(page, app.url, /Megan Bowen/));
  await page.waitForURL(`${app.url}/dashboard`);
  expect(await app.prisma.tenant.count({ where: { id: CONTOSO } })).toBe(1);
});
