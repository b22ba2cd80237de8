import { expect, test, type Page } from "@playwright/test";
import { attemptSignIn, CookieJar } from "../../test/sign-in-client";
import { emulatorControl } from "../support/emulator-control";
import { capturedCallback } from "../support/emulator-pages";
import { startAppServer, type AppServer } from "../support/app-server";

// ../shared/SECURITY.md "Tokens" and "The sign-in flow": the identity provider misbehaves (the
// emulator's switches), and the app refuses: the person lands on the sign-in error page, no
// session cookie is issued, no tenant or user row is created.
const PORT = 3500;
const CONTOSO = "4a1e9b5c-2f3d-4c8a-9e6b-1d2c3b4a5f60";
const MEGAN = "0a7c1f2e-1b3d-4e5f-8a9b-0c1d2e3f4a02";

test.describe.configure({ mode: "serial" });

let app: AppServer;
const control = emulatorControl(PORT);
test.beforeAll(async () => {
  app = await startAppServer(PORT);
});
test.afterAll(async () => {
  await app?.stop();
});

/** Nothing of the refused sign-in was written: no tenant, user or session. */
async function expectNothingWritten() {
  expect(await app.prisma.tenant.count()).toBe(0);
  expect(await app.prisma.user.count()).toBe(0);
  expect(await app.prisma.session.count()).toBe(0);
}

async function expectRefused(page: Page) {
  await page.waitForURL(`${app.url}/signin/error**`, { timeout: 60_000 });
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign-in did not complete");
  expect((await page.context().cookies()).map((cookie) => cookie.name)).not.toContain("appsource.session");
  await expectNothingWritten();
}

/**
 * Megan's sign-in from the trial link through the emulator, by a plain HTTP client (what is
 * attacked here is the server's handling of the provider's answers, at the callback; the pages
 * themselves are tested in a browser below and in sign-in.spec.ts): it ends on the sign-in error
 * page, with no session cookie, and nothing written.
 */
async function expectSignInRefused() {
  const jar = new CookieJar();
  const end = await attemptSignIn(app.url, { tenantId: CONTOSO, oid: MEGAN }, jar);
  expect(`${end.url.origin}${end.url.pathname}`).toBe(`${app.url}/signin/error`);
  expect(end.status).toBe(200);
  expect(end.text).toContain("Sign-in did not complete");
  expect(jar.get(end.url, "appsource.session")).toBeUndefined();
  await expectNothingWritten();
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
  test(`refuses an ID token with ${what} (${kind})`, async () => {
    expect((await control("misbehave", { kind })).status).toBe(200);
    await expectSignInRefused();
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
  test(`fails in a controlled way when the token endpoint ${what} (${kind})`, async () => {
    expect((await control("misbehave", { kind })).status).toBe(200);
    await expectSignInRefused();
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

test("control: the HTTP client of the attacks above, with nothing misbehaving, signs Megan in", async () => {
  // Proves those refusals were the app's, not the client's.
  const jar = new CookieJar();
  const end = await attemptSignIn(app.url, { tenantId: CONTOSO, oid: MEGAN }, jar);
  expect(`${end.url.origin}${end.url.pathname}`).toBe(`${app.url}/dashboard`);
  expect(end.status).toBe(200);
  expect(jar.get(end.url, "appsource.session")).toBeTruthy();
  expect(await app.prisma.session.count()).toBe(1);
});

test("control: a captured callback, delivered untouched in its own browser, does sign in", async ({ browser }) => {
  // Proves the captures above are sound callbacks: only what each test altered was refused.
  const page = await (await browser.newContext()).newPage();
  await page.goto(await capturedCallback(page, app.url, /Megan Bowen/));
  await page.waitForURL(`${app.url}/dashboard`);
  expect(await app.prisma.tenant.count({ where: { id: CONTOSO } })).toBe(1);
});
