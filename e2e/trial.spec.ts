import { expect, test, type Browser, type Page } from "@playwright/test";
import { startAppServer, type AppServer } from "./support/app-server";
import { signOut } from "./support/workspace";

// The customer-led trial from AppSource's "Free trial" link, through the local Entra ID
// emulator, on a production build. The spec also changes tenant rows, as an operator would.
const CONTOSO = "4a1e9b5c-2f3d-4c8a-9e6b-1d2c3b4a5f60";
const NORTHWIND = "6c3a1d7e-4f5b-4e0c-9a8d-3f4e5d6c7b82";

test.describe.configure({ mode: "serial" });

let app: AppServer;
test.beforeAll(async () => {
  app = await startAppServer(3200);
});
test.afterAll(async () => {
  await app?.stop();
});

/** Opens the trial link in a fresh browser and signs `name` in at the emulator. */
async function startTrial(browser: Browser, name: RegExp, query = ""): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${app.url}/trial${query}`);
  await page.waitForURL(/\/oauth2\/v2\.0\/authorize\?/);
  await page.getByRole("button", { name }).click();
  return page;
}

async function accept(page: Page) {
  await expect(page.getByRole("heading", { name: "Permissions requested" })).toBeVisible();
  await page.getByRole("button", { name: "Accept" }).click();
}

test("a Contoso user goes from the trial link to the dashboard, in a 30-day trial", async ({ browser }) => {
  const page = await startTrial(browser, /Megan Bowen/, "?source=appsource&utm_campaign=e2e&next=https://evil.example");
  await accept(page);
  await page.waitForURL(`${app.url}/dashboard`);
  await expect(page.getByRole("status")).toContainText("30 days left in your trial");
  await page.getByRole("link", { name: "Team", exact: true }).click();
  await expect(page.getByRole("cell", { name: "Megan Bowen" })).toBeVisible();
  // The organization's real name, read at the one-click sign-in with Megan's own token (User.Read).
  await expect(page.getByRole("link", { name: "Contoso" })).toBeVisible();
  await expect(page.getByText("Not known yet")).toHaveCount(0);

  const tenant = await app.prisma.tenant.findUniqueOrThrow({ where: { id: CONTOSO } });
  expect(tenant).toMatchObject({
    status: "TRIAL",
    signupSource: { source: "appsource", utm_campaign: "e2e" },
    displayName: "Contoso",
    primaryDomain: "contoso.com",
  });
});

test("a second Contoso user joins the same tenant; the people list is the tenant's", async ({ browser }) => {
  const page = await startTrial(browser, /Alex Wilber/);
  await accept(page);
  await page.waitForURL(`${app.url}/dashboard`);
  await page.goto(`${app.url}/team`);
  await expect(page.getByRole("cell", { name: "Megan Bowen" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "Alex Wilber" })).toBeVisible();
  expect(await app.prisma.tenant.count()).toBe(1);
  const api = await page.request.get(`${app.url}/api/tenant/users`);
  expect((await api.json()).users).toHaveLength(2);

  // The tenant of a request comes from the server-side session only: a tenant named in the
  // query, a header or a cookie changes nothing.
  const FABRIKAM = "5b2f0c6d-3e4a-4d9b-8f7c-2e3d4c5b6a71";
  await page.context().addCookies([{ name: "tenant", value: FABRIKAM, url: app.url }]);
  const elsewhere = await page.request.get(`${app.url}/api/tenant/users?tenantId=${FABRIKAM}&tid=${FABRIKAM}`, {
    headers: { "x-tenant-id": FABRIKAM },
  });
  expect(elsewhere.status()).toBe(200);
  expect((await elsewhere.json()).tenantId).toBe(CONTOSO);
});

test("a visitor already signed in goes straight to the app from the trial link", async ({ browser }) => {
  const page = await startTrial(browser, /Megan Bowen/);
  await page.waitForURL(`${app.url}/dashboard`); // consented already: no consent page
  await page.goto(`${app.url}/trial`);
  await expect(page).toHaveURL(`${app.url}/dashboard`);
});

test("a Fabrikam user meets Entra's 'Need admin approval' and then the app's page about it", async ({ browser }) => {
  const page = await startTrial(browser, /Jordan Lee/);
  await expect(page.getByRole("heading", { name: "Need admin approval" })).toBeVisible();
  await page.getByRole("button", { name: "Return to the application without granting consent" }).click();
  await page.waitForURL(`${app.url}/signin/error**`);
  await expect(page.getByRole("heading", { name: "Your organization needs to approve this app" })).toBeVisible();
  await expect(page.getByRole("link", { name: "I'm an administrator: approve for the organization" })).toHaveAttribute(
    "href",
    "/signup",
  );
  await expect(page.getByText("AADSTS90094", { exact: false }).first()).toBeVisible();
});

test("a personal Microsoft account meets its own page, and no tenant is created for it", async ({ browser }) => {
  const page = await startTrial(browser, /Sam Taylor/);
  await accept(page);
  await page.waitForURL(`${app.url}/signin/personal-account`);
  await expect(page.getByRole("heading", { name: "Use your work or school account" })).toBeVisible();
  expect(await app.prisma.tenant.count({ where: { id: "9188040d-6c67-4c5b-b112-36a304b66dad" } })).toBe(0);
});

test("signing out ends the session on the server: the old cookie, replayed, is refused", async ({ browser }) => {
  const page = await startTrial(browser, /Alex Wilber/);
  await page.waitForURL(`${app.url}/dashboard`);
  const cookies = await page.context().cookies();
  expect(cookies.find((cookie) => cookie.name === "appsource.session")).toMatchObject({
    httpOnly: true,
    sameSite: "Lax",
  });

  await signOut(page);
  await page.waitForURL(`${app.url}/signed-out`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("You are signed out");

  const replay = await browser.newContext();
  await replay.addCookies(cookies);
  const again = await replay.newPage();
  await again.goto(`${app.url}/dashboard`);
  await expect(again).toHaveURL(`${app.url}/`);
  expect((await again.request.get(`${app.url}/api/tenant/users`)).status()).toBe(401);
});

test("a trial moved past its end date shows the expired page at the next request", async ({ browser }) => {
  const page = await startTrial(browser, /Megan Bowen/);
  await page.waitForURL(`${app.url}/dashboard`);
  const ended = new Date(Date.now() - 60_000);
  await app.prisma.tenant.update({ where: { id: CONTOSO }, data: { trialEndsAt: ended } });

  await page.reload();
  await expect(page).toHaveURL(`${app.url}/trial/expired`);
  await expect(page.getByRole("heading", { name: "Your free trial has ended" })).toBeVisible();
  await expect(page.getByText(ended.toLocaleDateString("en", { dateStyle: "long" }))).toBeVisible();
  await expect(page.getByRole("cell")).toHaveCount(0); // no tenant data
  expect((await page.request.get(`${app.url}/api/tenant/users`)).status()).toBe(403);

  // Signing in again does not start another trial.
  await page.goto(`${app.url}/trial`);
  await expect(page).toHaveURL(`${app.url}/trial/expired`);
});

test("suspending a tenant cuts off an open session at its next request", async ({ browser }) => {
  const page = await startTrial(browser, /Nancy Davolio/);
  await accept(page);
  await page.waitForURL(`${app.url}/dashboard`);
  await app.prisma.tenant.update({ where: { id: NORTHWIND }, data: { status: "SUSPENDED" } });

  await page.reload();
  await expect(page).toHaveURL(`${app.url}/account/suspended`);
  await expect(page.getByRole("heading", { name: "Access suspended" })).toBeVisible();
  expect((await page.request.get(`${app.url}/api/tenant/users`)).status()).toBe(403);
});

test("the trial link explains itself and offers the button where the automatic redirect does not run", async ({
  request,
}) => {
  const response = await request.get(`${app.url}/trial?source=appsource`, { maxRedirects: 0 });
  const html = await response.text();
  expect(response.status(), html.slice(0, 2000)).toBe(200);
  expect(html).toContain('http-equiv="refresh"');
  expect(html).toContain("/trial/start?source=appsource");
  expect(html).toContain("We are taking you to Microsoft to sign in");
  expect(html).toContain("Signing in needs cookies");
});
