import { existsSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { startDevServer } from "./support/dev-server";
import type { StandaloneServer } from "./support/standalone-server";

// Promise 1 of the README: `npm install && npm run dev`, no Azure account, no database server.
const PORT = 3300;

let dev: StandaloneServer;
test.beforeAll(async () => {
  test.setTimeout(150_000);
  dev = await startDevServer(PORT);
});
test.afterAll(async () => {
  await dev?.stop();
});

test("npm run dev: the embedded database is created and migrated on first start", async ({ request }) => {
  test.setTimeout(120_000);
  const health = await request.get(`${dev.url}/api/health`, { timeout: 100_000 });
  // npm run dev wires the local marketplace; only a production server tries its credential at
  // start (the hourly credential job may have run meanwhile: never refused, though).
  expect(await health.json()).toEqual({
    status: "ok",
    checks: { database: "up", marketplaceCredential: expect.stringMatching(/^(not-checked|ok)$/) },
  });
  expect(existsSync(`.data/e2e-${PORT}/pglite`)).toBe(true);
});

test("npm run dev: the home page's trial button goes through the local Entra ID emulator to the app", async ({
  page,
}) => {
  test.setTimeout(180_000); // the development server compiles each page on its first visit
  await page.goto(`${dev.url}/`, { timeout: 120_000 });
  await expect(page.getByText("local Microsoft Entra ID emulator")).toBeVisible();
  await page.getByRole("link", { name: "Sign in with Microsoft" }).click();

  // The emulator's pages are plain HTTP on localhost: no certificate warning to click through.
  await page.waitForURL(/^http:\/\/localhost:\d+\/common\/oauth2\/v2\.0\/authorize\?/, { timeout: 120_000 });
  await expect(page.getByRole("note")).toContainText("Local Microsoft Entra ID emulator");
  await page.getByRole("button", { name: /Megan Bowen/ }).click();
  await expect(page.getByRole("heading", { name: "Permissions requested" })).toBeVisible();
  await page.getByRole("button", { name: "Accept" }).click();

  await page.waitForURL(`${dev.url}/dashboard`, { timeout: 120_000 });
  await expect(page.getByRole("status")).toContainText("30 days left in your trial", { timeout: 60_000 });
  expect(dev.output()).toContain("Local Microsoft Entra ID emulator (no Azure account needed)");
});
