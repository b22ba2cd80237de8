import { expect, test, type Browser } from "@playwright/test";
import { appUrl } from "./support/app";
import { startAppServer, type AppServer } from "./support/app-server";
import { expectNoAxeViolations } from "./support/axe";
import { pickAccount } from "./support/emulator-pages";

// With ALLOW_PERSONAL_ACCOUNTS=true, each personal Microsoft account (outlook.com, hotmail.com)
// gets a workspace and a trial of its own: they all carry the same tenant id, and must never
// share one (../SECURITY.md "Personal accounts").
const PERSONAL_ACCOUNTS_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad";

test.describe.configure({ mode: "serial" });

let app: AppServer;
test.beforeAll(async () => {
  app = await startAppServer(3450, { env: { ALLOW_PERSONAL_ACCOUNTS: "true" } });
});
test.afterAll(async () => {
  await app?.stop();
});

async function signIn(browser: Browser, name: RegExp) {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${app.url}/trial`);
  await page.waitForURL(/\/oauth2\/v2\.0\/authorize\?/);
  await pickAccount(page, name);
  await page.waitForURL(`${app.url}/dashboard`);
  await page.goto(`${app.url}/team`);
  return page;
}

test("two personal accounts each get their own workspace and trial, and see nothing of each other", async ({
  browser,
}) => {
  const sam = await signIn(browser, /Sam Taylor/);
  const chris = await signIn(browser, /Chris Green/);

  await expect(sam.getByRole("cell", { name: "sam.taylor@outlook.com" })).toBeVisible();
  await expect(sam.getByText("chris.green@hotmail.com")).toHaveCount(0);
  await expect(chris.getByRole("cell", { name: "chris.green@hotmail.com" })).toBeVisible();
  await expect(chris.getByText("sam.taylor@outlook.com")).toHaveCount(0);
  await expect(chris.getByText("Sam Taylor")).toHaveCount(0);

  const tenants = await app.prisma.tenant.findMany({ include: { users: true }, orderBy: { createdAt: "asc" } });
  expect(tenants.map((tenant) => tenant.id)).not.toContain(PERSONAL_ACCOUNTS_TENANT);
  expect(
    tenants.map((tenant) => [tenant.personal, tenant.status, tenant.users.map((user) => [user.email, user.role])]),
  ).toEqual([
    [true, "TRIAL", [["sam.taylor@outlook.com", "ADMIN"]]],
    [true, "TRIAL", [["chris.green@hotmail.com", "ADMIN"]]],
  ]);

  // Back again: the same workspace, no new one.
  await signIn(browser, /Sam Taylor/);
  expect(await app.prisma.tenant.count()).toBe(2);
});

// The main deployment (playwright.config.ts) leaves ALLOW_PERSONAL_ACCOUNTS unset: personal
// accounts are refused there, with a page written for them.
test("where personal accounts are not allowed, one meets its own page, also when Microsoft refuses it (AADSTS500200)", async ({
  page,
}) => {
  await page.goto("/trial");
  await page.waitForURL(/\/oauth2\/v2\.0\/authorize\?/);
  await pickAccount(page, /Sam Taylor/);
  await page.waitForURL(`${appUrl}/signin/personal-account`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Use your work or school account");
  await expect(page.getByRole("link", { name: "Sign in with another account" })).toHaveAttribute(
    "href",
    "/trial/start?prompt=select_account",
  );
  await expectNoAxeViolations(page, "/signin/personal-account");

  // Entra refusing a personal account itself (an app registered for organizations only): the
  // error page says so in our words, and leads to the same page.
  const description = "AADSTS500200: User account 'sam.taylor@outlook.com' is a personal Microsoft account.";
  await page.goto(`/signin/error?error=invalid_request&error_description=${encodeURIComponent(description)}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Use your work or school account");
  await expect(page.locator("main")).not.toContainText("sam.taylor@outlook.com");
  await page.getByRole("link", { name: "Signed in with a personal Microsoft account?" }).click();
  await page.waitForURL(`${appUrl}/signin/personal-account`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Use your work or school account");
});
