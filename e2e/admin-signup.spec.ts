import { expect, test, type Browser, type Page } from "@playwright/test";
import { startAppServer, type AppServer } from "./support/app-server";
import { expectNoAxeViolations } from "./support/axe";
import { emulatorControl } from "./support/emulator-control";
import { countAccountPickers, pickAccount } from "./support/emulator-pages";

// The admin sign-up: Entra's admin consent, verified (state bound to the browser, an app-only
// token from the tenant, the administrator's own sign-in with an admin role), on a production
// build with the local Entra ID emulator.
const CONTOSO = "4a1e9b5c-2f3d-4c8a-9e6b-1d2c3b4a5f60";
const FABRIKAM = "5b2f0c6d-3e4a-4d9b-8f7c-2e3d4c5b6a71";

test.describe.configure({ mode: "serial" });

let app: AppServer;
test.beforeAll(async () => {
  app = await startAppServer(3400);
});
test.afterAll(async () => {
  await app?.stop();
});

const newPage = async (browser: Browser) => (await browser.newContext()).newPage();

/** /signup → Entra's admin consent as `name`; returns the page where the app took over. */
async function adminConsent(page: Page, name: RegExp, decision: "Accept" | "Cancel" = "Accept") {
  await page.goto(`${app.url}/signup`);
  await page.waitForURL(/\/v2\.0\/adminconsent\?/);
  await pickAccount(page, name, decision);
}

test("Contoso's administrator signs up the organization, picking their account once; a Contoso user who never consented walks in", async ({
  browser,
}) => {
  const page = await newPage(browser);
  const pickers = countAccountPickers(page);
  const authorizeRequests: URL[] = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.pathname.endsWith("/oauth2/v2.0/authorize")) authorizeRequests.push(url);
  });
  await page.goto(app.url);
  await page.getByRole("link", { name: "IT admin? Approve for your whole organization" }).click();
  await page.waitForURL(/\/organizations\/v2\.0\/adminconsent\?/);
  await page.getByRole("button", { name: /Adele Vance/ }).click();
  await expect(page.getByText("Accept for your organization")).toBeVisible();
  await page.getByRole("button", { name: "Accept" }).click();
  // Proof 3, the administrator's own sign-in to the tenant: Microsoft signs in the account that
  // just consented, with no second account picker.
  await page.waitForURL(`${app.url}/signup/approved`);
  expect(pickers()).toBe(1);
  expect(authorizeRequests).toHaveLength(1);
  expect(authorizeRequests[0]!.searchParams.get("prompt")).toBeNull();
  expect(authorizeRequests[0]!.searchParams.get("domain_hint")).toBe(CONTOSO);

  const tenant = await app.prisma.tenant.findUniqueOrThrow({ where: { id: CONTOSO } });
  expect(tenant).toMatchObject({
    consentType: "ADMIN",
    status: "TRIAL",
    displayName: "Contoso",
    primaryDomain: "contoso.com",
  });
  expect(tenant.adminConsentedBy).toBe("0a7c1f2e-1b3d-4e5f-8a9b-0c1d2e3f4a01");

  // The sign-up's end: the organization by its name, and what to hand on to colleagues.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Contoso is approved");
  await expect(page.getByText("nothing more to approve").first()).toBeVisible();
  const link = page.getByRole("textbox", { name: "Link for your colleagues" });
  await expect(link).toHaveValue(`${app.url}/trial`);
  await expect(link).not.toBeEditable();
  const message = page.getByRole("textbox", { name: "A message to send" });
  await expect(message).not.toBeEditable();
  expect(await message.inputValue()).toContain(`\n${app.url}/trial\n`);
  expect(await message.inputValue()).toContain("Contoso");
  await expect(page.getByRole("button", { name: "Copy link" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Copy message" })).toBeVisible();
  await expectNoAxeViolations(page, "/signup/approved");
  await page.getByRole("link", { name: "Go to your workspace" }).click();
  await page.waitForURL(`${app.url}/dashboard`);
  await expect(page.getByText("Contoso").first()).toBeVisible();

  const alex = await newPage(browser);
  await alex.goto(`${app.url}/trial`);
  await alex.getByRole("button", { name: /Alex Wilber/ }).click();
  await alex.waitForURL(`${app.url}/dashboard`); // no consent page
  expect(await app.prisma.tenant.count({ where: { id: CONTOSO } })).toBe(1);
});

test("Fabrikam (user consent disabled) is unblocked the same way", async ({ browser }) => {
  const page = await newPage(browser);
  const pickers = countAccountPickers(page);
  await adminConsent(page, /Ian Brooks/);
  await page.waitForURL(`${app.url}/signup/approved`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Fabrikam is approved");
  expect(pickers()).toBe(1);

  const jordan = await newPage(browser);
  await jordan.goto(`${app.url}/trial`);
  await jordan.getByRole("button", { name: /Jordan Lee/ }).click();
  await jordan.waitForURL(`${app.url}/dashboard`);
  await jordan.goto(`${app.url}/team`);
  await expect(jordan.getByRole("cell", { name: "Jordan Lee" })).toBeVisible();
});

// Before the administrator has signed in, a refusal says the same thing whatever the URL claimed,
// writes nothing and asks Entra nothing: the callback is no oracle of who is a customer.
const GENERIC = "Organization sign-up did not complete";
const auditEvents = () => app.prisma.auditEvent.count();
const tokenRequests = async () =>
  ((await emulatorControl(3400)("stats")).json as { tokenRequests: number }).tokenRequests;

/** A sign-up started by `page`'s browser: the state it carries to Entra. */
async function startSignup(page: Page): Promise<string> {
  const toEntra = await page.request.get(`${app.url}/signup`, { maxRedirects: 0 });
  return new URL(toEntra.headers()["location"]!).searchParams.get("state")!;
}

test("a forged callback for a tenant that never consented activates nothing, and writes nothing", async ({
  browser,
}) => {
  const before = await auditEvents();
  const page = await newPage(browser);
  await page.goto(
    `${app.url}/signup/callback?admin_consent=True&tenant=6c3a1d7e-4f5b-4e0c-9a8d-3f4e5d6c7b82&state=guess`,
  );
  await expect(page.getByRole("heading", { name: GENERIC })).toBeVisible();
  expect(await app.prisma.tenant.count({ where: { id: "6c3a1d7e-4f5b-4e0c-9a8d-3f4e5d6c7b82" } })).toBe(0);
  expect(await auditEvents()).toBe(before);
});

test("the callback answers the same for a customer and a stranger, and asks Entra nothing, until the admin signs in", async ({
  browser,
}) => {
  const unknown = "7d4b2e8f-5a6c-4f1d-8b9e-4a5f6e7d8c93";
  const page = await newPage(browser);
  const before = { events: await auditEvents(), tokens: await tokenRequests() };
  const answers = new Set<string>();
  for (const tenant of [CONTOSO, unknown]) {
    // A guessed state, no state, an error: refused alike.
    for (const query of [`state=guess`, ``, `state=x&error=access_denied`]) {
      const response = await page.request.get(
        `${app.url}/signup/callback?admin_consent=True&tenant=${tenant}&${query}`,
        {
          maxRedirects: 0,
        },
      );
      answers.add(`${response.status()} ${response.headers()["location"]}`);
    }
    // A state of this browser's own: on to the administrator's sign-in, whichever the tenant.
    const state = await startSignup(page);
    const response = await page.request.get(
      `${app.url}/signup/callback?admin_consent=True&tenant=${tenant}&state=${state}`,
      {
        maxRedirects: 0,
      },
    );
    expect(response.headers()["location"]).toBe("/signup/verify");
  }
  expect([...answers]).toEqual(["307 /signup/refused"]);
  expect(await auditEvents()).toBe(before.events);
  expect(await tokenRequests()).toBe(before.tokens);
});

test("a state is used once: its own holder replaying the callback with the cookie put back is refused", async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const state = await startSignup(page);
  const cookie = (await context.cookies()).find((item) => item.name === "appsource.admin_signup")!;
  const callback = `${app.url}/signup/callback?admin_consent=True&tenant=${FABRIKAM}&state=${state}`;
  const first = await page.request.get(callback, { maxRedirects: 0 });
  expect(first.headers()["location"]).toBe("/signup/verify");
  await context.addCookies([cookie]);
  const replay = await page.request.get(callback.replace(FABRIKAM, CONTOSO), { maxRedirects: 0 });
  expect(replay.headers()["location"]).toBe("/signup/refused");
});

test("a valid callback replayed with another browser's state is refused", async ({ browser }) => {
  // Browser A starts a sign-up; its state travels in the URL to Entra.
  const stateOfA = await startSignup(await newPage(browser));
  // Browser B starts its own, then presents A's state.
  const b = await newPage(browser);
  await startSignup(b);
  const before = await auditEvents();
  await b.goto(`${app.url}/signup/callback?admin_consent=True&tenant=${FABRIKAM}&state=${stateOfA}`);
  await expect(b.getByRole("heading", { name: GENERIC })).toBeVisible();
  expect(await auditEvents()).toBe(before);
});

test("admin_consent=True next to an error is a failure", async ({ browser }) => {
  const page = await newPage(browser);
  const state = await startSignup(page);
  await page.goto(
    `${app.url}/signup/callback?admin_consent=True&tenant=${FABRIKAM}&state=${state}&error=access_denied&error_description=${encodeURIComponent("AADSTS65004: User declined to consent to access the app. Call +1 555 0100.")}`,
  );
  await expect(page.getByRole("heading", { name: GENERIC })).toBeVisible();
  await expect(page.getByText("555 0100")).toHaveCount(0);
});

test("a non-admin is refused: by Entra at the consent, and by the app at the sign-in", async ({ browser }) => {
  // At Entra's admin consent: the emulator sends a non-admin back with an error.
  const jordan = await newPage(browser);
  await adminConsent(jordan, /Jordan Lee/);
  await expect(jordan.getByRole("heading", { name: GENERIC })).toBeVisible();

  // An admin approves, but a non-admin completes the sign-in step: refused, nothing recorded for
  // them. The sign-in step shows no account picker; Microsoft signs in whoever its session names.
  // Here that is Megan, who signed in in another tab of the same browser while Adele was on the
  // admin consent page: the app refuses her from her token (tid, role), not from a picker.
  const consentedAt = (await app.prisma.tenant.findUniqueOrThrow({ where: { id: CONTOSO } })).adminConsentedAt;
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${app.url}/signup`);
  await page.waitForURL(/\/v2\.0\/adminconsent\?/);
  await page.getByRole("button", { name: /Adele Vance/ }).click();
  await expect(page.getByText("Accept for your organization")).toBeVisible();
  const otherTab = await context.newPage();
  await otherTab.goto(`${app.url}/trial/start?prompt=select_account`);
  await otherTab.waitForURL(/\/oauth2\/v2\.0\/authorize\?/);
  await pickAccount(otherTab, /Megan Bowen/);
  await otherTab.waitForURL(`${app.url}/dashboard`);
  await page.getByRole("button", { name: "Accept" }).click();
  await page.waitForURL(/\/signup\/refused\?reason=not-admin$/);
  await expect(page.getByRole("heading", { name: "An administrator must sign up the organization" })).toBeVisible();
  expect((await app.prisma.tenant.findUniqueOrThrow({ where: { id: CONTOSO } })).adminConsentedAt).toEqual(consentedAt);
  expect(
    await app.prisma.auditEvent.count({
      where: {
        tenantId: CONTOSO,
        type: "tenant.admin_signup_refused",
        detail: { path: ["reason"], equals: "not-admin" },
      },
    }),
  ).toBeGreaterThan(0);
});

test("tenant values that are not an organization's GUID are refused", async ({ browser }) => {
  for (const tenant of [
    "common",
    "organizations",
    "consumers",
    "9188040d-6c67-4c5b-b112-36a304b66dad",
    "contoso.com",
    "",
  ]) {
    const page = await newPage(browser);
    const state = await startSignup(page);
    const before = await auditEvents();
    await page.goto(
      `${app.url}/signup/callback?admin_consent=True&tenant=${encodeURIComponent(tenant)}&state=${state}`,
    );
    await expect(page.getByRole("heading", { name: GENERIC }), tenant).toBeVisible();
    expect(await auditEvents(), tenant).toBe(before);
  }
});
