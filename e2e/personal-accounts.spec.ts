import { expect, test, type Browser } from "@playwright/test";
import { startAppServer, type AppServer } from "./support/app-server";
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
