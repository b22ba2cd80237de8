import { existsSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { startDevServer } from "./support/dev-server";
import type { StandaloneServer } from "./support/standalone-server";

// Promise 1 of the README: `npm install && npm run dev`, no Azure account, no database server.
const PORT = 3300;
/**
 * The development server compiles each route on its first request: seconds on a quiet machine,
 * minutes on a busy one. A bound that only catches a hang; the steps below are timed as usual.
 */
const COMPILE_BOUND_MS = 300_000;
/** The routes of a first sign-in from the home page, compiled before the browser walks them. */
const SIGN_IN_ROUTES = [
  "/",
  "/trial",
  "/trial/start",
  "/api/auth/signin/microsoft-entra-id",
  "/api/auth/callback/microsoft-entra-id",
  "/dashboard",
];

let dev: StandaloneServer;
test.beforeAll(async () => {
  test.setTimeout(COMPILE_BOUND_MS + 2 * 60_000);
  dev = await startDevServer(PORT);
});
test.afterAll(async () => {
  await dev?.stop();
});

test("npm run dev: the embedded database is created and migrated on first start", async ({ request }) => {
  test.setTimeout(COMPILE_BOUND_MS + 60_000);
  const health = await request.get(`${dev.url}/api/health`, { timeout: COMPILE_BOUND_MS });
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
  test.setTimeout(SIGN_IN_ROUTES.length * COMPILE_BOUND_MS + 2 * 60_000);
  // Each route compiled first (any answer will do: a redirect, an error for a callback without a
  // code): what is tested next is the app in development, not how fast this machine compiles.
  for (const path of SIGN_IN_ROUTES) {
    const response = await page.request.get(`${dev.url}${path}`, { maxRedirects: 0, timeout: COMPILE_BOUND_MS });
    expect(response.status(), path).toBeLessThan(500);
  }
  await page.goto(`${dev.url}/`);
  await expect(page.getByText("local Microsoft Entra ID emulator")).toBeVisible();
  await page.getByRole("link", { name: "Sign in with Microsoft" }).click();

  // The emulator's pages are plain HTTP on localhost: no certificate warning to click through.
  await page.waitForURL(/^http:\/\/localhost:\d+\/common\/oauth2\/v2\.0\/authorize\?/);
  await expect(page.getByRole("note")).toContainText("Local Microsoft Entra ID emulator");
  await page.getByRole("button", { name: /Megan Bowen/ }).click();
  await expect(page.getByRole("heading", { name: "Permissions requested" })).toBeVisible();
  await page.getByRole("button", { name: "Accept" }).click();

  await page.waitForURL(`${dev.url}/dashboard`);
  await expect(page.getByRole("status")).toContainText("30 days left in your trial");
  expect(dev.output()).toContain("Local Microsoft Entra ID emulator (no Azure account needed)");
});
