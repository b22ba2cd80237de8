import { expect, test, type APIRequestContext } from "@playwright/test";
import { startAppServer, type AppServer } from "../support/app-server";
import { emulatorDir } from "../support/emulator-control";
import { pickAccount } from "../support/emulator-pages";
import { startTlsFrontEnd, type TlsFrontEnd } from "../support/tls-front-end";

// Behind Azure App Service's front end: TLS ends there, the app sees plain HTTP. With no AUTH_URL,
// the app's public URL is https://$WEBSITE_HOSTNAME (set by App Service), and nothing a client
// writes in Host or X-Forwarded-* headers changes where sign-in sends people back to.
const PORT = 3700;
const FRONT_PORT = 3743;
const publicUrl = `https://localhost:${FRONT_PORT}`;

test.describe.configure({ mode: "serial" });

let app: AppServer;
let front: TlsFrontEnd;
test.beforeAll(async () => {
  app = await startAppServer(PORT, {
    publicUrl,
    env: { AUTH_URL: "", WEBSITE_SITE_NAME: "contoso-trial", WEBSITE_HOSTNAME: `localhost:${FRONT_PORT}` },
  });
  front = await startTlsFrontEnd(FRONT_PORT, PORT, emulatorDir(PORT));
});
test.afterAll(async () => {
  await front?.close();
  await app?.stop();
});

const hostile = { "x-forwarded-host": "evil.example", "x-forwarded-proto": "http", "x-forwarded-port": "80" };

async function location(request: APIRequestContext, path: string): Promise<URL> {
  const response = await request.get(`${publicUrl}${path}`, { headers: hostile, maxRedirects: 0 });
  expect(response.status(), await response.text()).toBeGreaterThanOrEqual(300);
  expect(response.status()).toBeLessThan(400);
  return new URL(response.headers().location!, publicUrl);
}

test("redirect URIs are https on the App Service host name, whatever the client's forwarded headers say", async ({
  playwright,
}) => {
  const request = await playwright.request.newContext({ ignoreHTTPSErrors: true });
  const signIn = await location(request, "/trial/start");
  expect(signIn.pathname).toBe("/common/oauth2/v2.0/authorize");
  expect(signIn.searchParams.get("redirect_uri")).toBe(`${publicUrl}/api/auth/callback/microsoft-entra-id`);

  const adminConsent = await location(request, "/signup");
  expect(adminConsent.pathname).toMatch(/\/v2\.0\/adminconsent$/);
  expect(adminConsent.searchParams.get("redirect_uri")).toBe(`${publicUrl}/signup/callback`);

  expect((await location(request, "/dashboard")).href).toBe(`${publicUrl}/`);

  // Straight to the app's port, as a client inside the network could: the same answers.
  const direct = await request.get(`http://localhost:${PORT}/trial/start`, { headers: hostile, maxRedirects: 0 });
  expect(new URL(direct.headers().location!).searchParams.get("redirect_uri")).toBe(
    `${publicUrl}/api/auth/callback/microsoft-entra-id`,
  );
  await request.dispose();
});

test("pages carry HSTS, and the sign-in cookies are Secure with the __Host-/__Secure- prefixes", async ({
  playwright,
}) => {
  const request = await playwright.request.newContext({ ignoreHTTPSErrors: true });
  const home = await request.get(`${publicUrl}/`);
  expect(home.headers()["strict-transport-security"]).toMatch(/^max-age=\d+/);
  const start = await request.get(`${publicUrl}/trial/start`, { maxRedirects: 0 });
  const cookies = start
    .headersArray()
    .filter((header) => header.name.toLowerCase() === "set-cookie")
    .map((header) => header.value);
  expect(cookies.length).toBeGreaterThan(0);
  for (const cookie of cookies) {
    expect(cookie).toMatch(/^__(Host|Secure)-/);
    expect(cookie).toMatch(/;\s*Secure/i);
  }
  await request.dispose();
});

test("a person signs in through the front end and lands on the dashboard, on https", async ({ browser }) => {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await page.goto(`${publicUrl}/trial`);
  await page.waitForURL(/\/common\/oauth2\/v2\.0\/authorize\?/);
  await pickAccount(page, /Megan Bowen/);
  await page.waitForURL(`${publicUrl}/dashboard`);
  await expect(page.getByRole("status")).toContainText("30 days left in your trial");
  const session = (await context.cookies()).find((cookie) => cookie.name === "__Host-appsource.session");
  expect(session).toMatchObject({ secure: true, httpOnly: true, path: "/" });
  await context.close();
});

test("every cookie the app sets, through a trial from AppSource and an admin sign-up, is __Host-/__Secure-, Secure, HttpOnly and SameSite=Lax; the sign-up source cookie is gone once recorded", async ({
  browser,
}) => {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const set: string[] = [];
  context.on("response", async (response) => {
    if (!response.url().startsWith(publicUrl)) return; // the emulator's own cookies are Microsoft's
    // A response still arriving as the test closes its browser has no headers left to read: the
    // cookies checked are those of the responses the test waited for.
    const headers = await response.headersArray().catch(() => []);
    for (const header of headers) {
      if (header.name.toLowerCase() === "set-cookie") set.push(...header.value.split("\n"));
    }
  });
  const page = await context.newPage();
  await page.goto(`${publicUrl}/trial?source=appsource&utm_campaign=launch`);
  await page.waitForURL(/\/common\/oauth2\/v2\.0\/authorize\?/);
  await pickAccount(page, /Nancy Davolio/);
  await page.waitForURL(`${publicUrl}/dashboard`);
  expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain("__Host-appsource.signup_source");

  await page.goto(`${publicUrl}/signup`);
  await page.waitForURL(/\/v2\.0\/adminconsent\?/);
  await page.getByRole("button", { name: /Adele Vance/ }).click();
  await page.getByRole("button", { name: "Accept" }).click();
  // The administrator's own sign-in reuses Microsoft's session: no second account pick.
  await page.waitForURL(`${publicUrl}/signup/approved`);

  const names = new Set(set.map((cookie) => cookie.split("=")[0]));
  // The app's own, and Auth.js's (state, PKCE, nonce, CSRF, callback URL, session).
  for (const name of ["__Host-appsource.signup_source", "__Host-appsource.admin_signup", "__Host-appsource.session"]) {
    expect([...names]).toContain(name);
  }
  for (const cookie of set) {
    expect(cookie).toMatch(/^__(Host|Secure)-/);
    expect(cookie).toMatch(/;\s*Secure(;|$)/i);
    expect(cookie).toMatch(/;\s*HttpOnly(;|$)/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax(;|$)/i);
    if (cookie.startsWith("__Host-")) {
      expect(cookie).toMatch(/;\s*Path=\/(;|$)/i);
      expect(cookie).not.toMatch(/;\s*Domain=/i);
    }
  }
  const tenant = (id: string) => app.prisma.tenant.findUniqueOrThrow({ where: { id } });
  expect(await tenant("6c3a1d7e-4f5b-4e0c-9a8d-3f4e5d6c7b82")).toMatchObject({
    signupSource: { source: "appsource", utm_campaign: "launch" },
  });
  // Signed up by its administrator after a user's trial had cached an app-only token without roles.
  expect(await tenant("4a1e9b5c-2f3d-4c8a-9e6b-1d2c3b4a5f60")).toMatchObject({
    consentType: "ADMIN",
    displayName: "Contoso",
  });
  await context.close();
});
