import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { databaseTarget, startAppServer, type AppServer } from "../support/app-server";
import { pickAccount } from "../support/emulator-pages";
import { STANDALONE_DIR } from "../support/standalone-server";

// What Azure App Service (and the Dockerfile) run: the standalone output copied away from the
// project, started with `node server.js` and PORT, on the PostgreSQL server (CI always has one),
// with Microsoft Entra ID named by the production variables (here the emulator, on its own).
const PORT = 3600;
const CONTOSO = "4a1e9b5c-2f3d-4c8a-9e6b-1d2c3b4a5f60";

test.describe.configure({ mode: "serial" });

let app: AppServer;
let copy: string;
test.beforeAll(async () => {
  copy = await mkdtemp(path.join(os.tmpdir(), "appsource-standalone-"));
  await cp(STANDALONE_DIR, copy, { recursive: true, verbatimSymlinks: true });
  app = await startAppServer(PORT, { dir: copy });
});
test.afterAll(async () => {
  await app?.stop();
  if (copy) await rm(copy, { recursive: true, force: true });
});

test(`node server.js on PORT ${PORT} answers its health check (${databaseTarget.name})`, async ({ request }) => {
  const health = await request.get(`http://localhost:${PORT}/api/health`);
  expect(health.status()).toBe(200);
  // The production server tried the fulfillment credential at start (lib/startup.ts).
  await expect
    .poll(async () => (await request.get(`http://localhost:${PORT}/api/health`)).json())
    .toEqual({ status: "ok", checks: { database: "up", marketplaceCredential: "ok" } });
  expect(app.server.output()).not.toMatch(/error|warn/i);
});

test("the customer-led trial completes: AppSource link, Entra sign-in, consent, dashboard", async ({ page }) => {
  await page.goto(`${app.url}/trial?source=appsource`);
  await page.waitForURL(/\/common\/oauth2\/v2\.0\/authorize\?/);
  const authorize = new URL(page.url());
  expect(authorize.searchParams.get("redirect_uri")).toBe(`${app.url}/api/auth/callback/microsoft-entra-id`);
  await pickAccount(page, /Megan Bowen/);
  await page.waitForURL(`${app.url}/dashboard`);
  await expect(page.getByRole("status")).toContainText("30 days left in your trial");
  // The browser files come from the copied folder too (npm run build put them there).
  const styles = await page.evaluate(() => [...document.styleSheets].map((sheet) => sheet.cssRules.length));
  expect(styles.some((rules) => rules > 0)).toBe(true);

  const tenant = await app.prisma.tenant.findUniqueOrThrow({ where: { id: CONTOSO } });
  expect(tenant).toMatchObject({ status: "TRIAL", signupSource: { source: "appsource" } });
});
