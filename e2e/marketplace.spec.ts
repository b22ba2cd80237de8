import { expect, test, type Browser, type Page } from "@playwright/test";
import { startAppServer, type AppServer } from "./support/app-server";
import { pickAccount } from "./support/emulator-pages";
import { expectNoAxeViolations } from "./support/axe";
import { emulatorControl } from "./support/emulator-control";
import { signInAtLanding as signInWith } from "./support/marketplace";

// The transactable offer, end to end in real Chromium: a purchase on the local marketplace, the
// landing page (sign-in, the purchase shown, the contact confirmed), one activation, and the
// subscription on the Plan page; coming back through "Manage account"; and every bad input with
// its own page and no activation.
test.describe.configure({ mode: "serial" });

const PORT = 3820;
const CONTOSO = "4a1e9b5c-2f3d-4c8a-9e6b-1d2c3b4a5f60";
const MEGAN = "0a7c1f2e-1b3d-4e5f-8a9b-0c1d2e3f4a02";
const NORTHWIND_NANCY = { tenantId: "", oid: "2c9e3b4a-3d5f-4a7b-8c1d-2e3f4a5b6c01" };

let app: AppServer;
const control = emulatorControl(PORT);

test.beforeAll(async () => {
  app = await startAppServer(PORT);
  const directory = (await control("directory")).json as { accounts: { oid: string; tenantId: string }[] };
  NORTHWIND_NANCY.tenantId = directory.accounts.find((account) => account.oid === NORTHWIND_NANCY.oid)!.tenantId;
});
test.afterAll(async () => {
  await app?.stop();
});

type Call = { method: string; path: string; status: number };
async function activateCalls(subscriptionId: string): Promise<number> {
  const { calls } = (await control("marketplace/calls")).json as { calls: Call[] };
  return calls.filter((call) => call.method === "POST" && call.path.includes(`${subscriptionId}/activate`)).length;
}

async function buy(
  body: Record<string, unknown>,
): Promise<{ subscriptionId: string; token: string; landingUrl: string }> {
  const answer = await control("marketplace/purchases", {
    offerId: "saas-starter",
    planId: "per-user",
    quantity: 5,
    ...body,
  });
  expect(answer.status).toBe(200);
  return answer.json as { subscriptionId: string; token: string; landingUrl: string };
}

const signInAtLanding = (page: Page, name: RegExp) => signInWith(page, app.url, name);

async function newPage(browser: Browser, size = { width: 1280, height: 800 }): Promise<Page> {
  return (await browser.newContext({ viewport: size })).newPage();
}

test("a Contoso admin in a running trial buys a plan on the local marketplace, activates it once, and the trial converts", async ({
  browser,
}, testInfo) => {
  const page = await newPage(browser);
  // A running trial first: Megan is the first of Contoso, so its admin.
  await page.goto(`${app.url}/trial`);
  await pickAccount(page, /Megan Bowen/);
  await page.waitForURL(`${app.url}/dashboard`);
  expect((await app.prisma.tenant.findUniqueOrThrow({ where: { id: CONTOSO } })).status).toBe("TRIAL");

  // The home page links the local marketplace in development and tests.
  await page.goto(app.url);
  await page.getByRole("link", { name: "Buy a plan (local marketplace)" }).click();
  await expect(page.getByRole("heading", { name: "Local marketplace" })).toBeVisible();
  const asMegan = page.getByRole("button", { name: /Megan Bowen/ });
  if (await asMegan.isVisible()) await asMegan.click();
  await page.getByRole("radio", { name: /Per user/ }).check();
  await page.getByLabel(/Number of users/).fill("5");
  await page.getByRole("button", { name: "Purchase" }).click();

  // AppSource's hand-off: the landing page with the purchase token, URL-encoded.
  await page.waitForURL(`${app.url}/marketplace?token=**`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Activate your subscription");
  const main = page.getByRole("main");
  await expect(main).toContainText("per-user");
  await expect(main).toContainText("5 seats");
  await expect(main).toContainText("megan@contoso.com");
  await expect(page.getByLabel("E-mail")).toHaveValue("megan@contoso.com");
  await expectNoAxeViolations(page, "the landing page");
  await page.screenshot({ path: testInfo.outputPath("landing-desktop.png"), fullPage: true });

  await page.getByLabel("Phone").fill("+1 425 555 0100");
  await page.getByRole("button", { name: "Activate subscription" }).click();
  await page.waitForURL(`${app.url}/plan?subscription=activated`);
  await expect(page.getByRole("status")).toHaveText("Your subscription is active. Thank you!");
  await expect(page.getByRole("main")).toContainText("per-user · 5 seats");
  await page.screenshot({ path: testInfo.outputPath("plan-subscribed-desktop.png"), fullPage: true });

  const subscription = await app.prisma.subscription.findFirstOrThrow({ where: { tenantId: CONTOSO } });
  expect(subscription).toMatchObject({ status: "SUBSCRIBED", quantity: 5, contactPhone: "+1 425 555 0100" });
  expect((await app.prisma.tenant.findUniqueOrThrow({ where: { id: CONTOSO } })).status).toBe("ACTIVE");
  expect(await activateCalls(subscription.id)).toBe(1);
  // The fulfillment credential worked, and the health check says so for the operator's monitor.
  const health = await fetch(`${app.url}/api/health`);
  expect(await health.json()).toEqual({ status: "ok", checks: { database: "up", marketplaceCredential: "ok" } });

  // "Manage account" in the customer's list opens the same URL with a fresh token: the
  // subscription is shown, never a second activation.
  await page.goto(app.url.replace(String(PORT), String(PORT + 10)) + "/marketplace/subscriptions");
  await page
    .getByRole("link", { name: /Manage account/ })
    .first()
    .click();
  await page.waitForURL(`${app.url}/marketplace?token=**`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your subscription is active");
  await page.getByRole("link", { name: "Go to your workspace" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Plan");
  expect(await activateCalls(subscription.id)).toBe(1);
  const events = await app.prisma.auditEvent.findMany({ where: { tenantId: CONTOSO }, orderBy: { occurredAt: "asc" } });
  expect(events.map((event) => event.type)).toEqual(
    expect.arrayContaining(["tenant.trial_started", "tenant.activated", "subscription.activated"]),
  );
});

test("a person of another organization holding the landing link cannot activate; nothing is called", async ({
  browser,
}, testInfo) => {
  const { subscriptionId, landingUrl } = await buy({
    tenantId: CONTOSO,
    oid: MEGAN,
    planId: "team-monthly",
    quantity: undefined,
  });
  const page = await newPage(browser, { width: 390, height: 844 });
  await page.goto(landingUrl);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign in to set up your subscription");
  await signInAtLanding(page, /Nancy Davolio/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Only the purchaser can activate this subscription");
  await expect(page.getByRole("main")).toContainText("megan@contoso.com");
  await expect(page.getByRole("button", { name: "Activate subscription" })).toHaveCount(0);
  await expectNoAxeViolations(page, "not the purchaser");
  await page.screenshot({ path: testInfo.outputPath("not-purchaser-phone.png"), fullPage: true });
  expect(await activateCalls(subscriptionId)).toBe(0);
  expect(await app.prisma.subscription.count({ where: { id: subscriptionId } })).toBe(0);
});

test("a partner's purchase for an organization the app never met creates its workspace, ACTIVE; double submits make one call", async ({
  browser,
}) => {
  const { subscriptionId, landingUrl } = await buy({
    tenantId: CONTOSO,
    oid: MEGAN,
    beneficiaryTenantId: NORTHWIND_NANCY.tenantId,
    beneficiaryOid: NORTHWIND_NANCY.oid,
  });
  const context = await browser.newContext();
  const first = await context.newPage();
  await first.goto(landingUrl);
  await signInAtLanding(first, /Megan Bowen/);
  const second = await context.newPage(); // a second tab of the same person
  await second.goto(landingUrl);
  for (const tab of [first, second]) {
    await expect(tab.getByRole("heading", { level: 1 })).toHaveText("Activate your subscription");
  }
  // Both tabs submit at once, and the first submits its form twice (a double click).
  await Promise.all([
    first.evaluate(() => {
      const form = document.querySelector("main form") as HTMLFormElement;
      form.requestSubmit();
      form.requestSubmit();
    }),
    second.getByRole("button", { name: "Activate subscription" }).click(),
  ]);
  for (const tab of [first, second]) {
    await expect(tab.getByRole("heading", { level: 1 })).toHaveText("Your subscription is active");
  }
  expect(await activateCalls(subscriptionId)).toBe(1);
  expect(await app.prisma.subscription.count({ where: { id: subscriptionId } })).toBe(1);
  expect(await app.prisma.tenant.findUniqueOrThrow({ where: { id: NORTHWIND_NANCY.tenantId } })).toMatchObject({
    status: "ACTIVE",
  });
});

test("bad links, another publisher's offer, a marketplace that is down, a cancelled subscription: each its own page, no activation", async ({
  browser,
}) => {
  const page = await newPage(browser);
  await page.goto(`${app.url}/marketplace`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("This link cannot be used");

  // Signed in as Megan (Contoso) for the rest.
  const { token, subscriptionId } = await buy({ tenantId: CONTOSO, oid: MEGAN });
  await page.goto(`${app.url}/marketplace?token=${encodeURIComponent(token)}`);
  await signInAtLanding(page, /Megan Bowen/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Activate your subscription");

  await page.goto(`${app.url}/marketplace?token=${encodeURIComponent("garbage<script>alert(1)</script>")}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("This link cannot be used");
  await expect(page.getByRole("main")).not.toContainText("garbage");

  await control("marketplace/tokens/expire", { token });
  await page.goto(`${app.url}/marketplace?token=${encodeURIComponent(token)}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("This link cannot be used");

  const foreign = await buy({
    tenantId: CONTOSO,
    oid: MEGAN,
    offerId: "tailspin-insights",
    planId: "basic",
    quantity: undefined,
  });
  await page.goto(`${app.url}/marketplace?token=${encodeURIComponent(foreign.token)}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("This purchase is for another product");

  // Throttled twice, then answered: the landing page waits out Retry-After and shows the purchase.
  const resolveCalls = async () =>
    ((await control("marketplace/calls")).json as { calls: Call[] }).calls
      .filter((call) => call.path.endsWith("/saas/subscriptions/resolve"))
      .map((call) => call.status);
  const before = (await resolveCalls()).length;
  const throttled = (await control("marketplace/tokens", { subscriptionId })).json as { token: string };
  await control("marketplace/faults", {
    path: "POST /saas/subscriptions/resolve",
    status: 429,
    times: 2,
    retryAfterSeconds: 1,
  });
  await page.goto(`${app.url}/marketplace?token=${encodeURIComponent(throttled.token)}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Activate your subscription");
  expect((await resolveCalls()).slice(before)).toEqual([429, 429, 200]);

  const fresh = (await control("marketplace/tokens", { subscriptionId })).json as { token: string };
  await control("marketplace/faults", { path: "POST /saas/subscriptions/resolve", status: 503, times: 10 });
  await page.goto(`${app.url}/marketplace?token=${encodeURIComponent(fresh.token)}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(
    "Microsoft's marketplace is not answering right now",
  );
  await expect(page.getByRole("main")).toContainText("Reference for support:");
  await control("marketplace/faults/clear", {});

  await control(`marketplace/subscriptions/${subscriptionId}/status`, { status: "Unsubscribed" });
  await page.goto(`${app.url}/marketplace?token=${encodeURIComponent(fresh.token)}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("This subscription was cancelled");
  expect(await activateCalls(subscriptionId)).toBe(0);
  expect(await activateCalls(foreign.subscriptionId)).toBe(0);
});
