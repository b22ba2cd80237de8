import { expect, test, type Page } from "@playwright/test";
import { appUrl } from "../support/app";
import { pickAccount } from "../support/emulator-pages";
import { signOut } from "../support/workspace";

// ../shared/SECURITY.md "Sessions and requests", against the production build and the emulator.
const sessionValue = async (page: Page) =>
  (await page.context().cookies()).find((cookie) => cookie.name === "appsource.session")?.value;

/** Signs in from the trial link; the emulator may remember the person (no picker then). */
async function signIn(page: Page, name: RegExp) {
  await page.goto("/trial");
  await page.waitForURL((url) => url.pathname.endsWith("/oauth2/v2.0/authorize") || url.href === `${appUrl}/dashboard`);
  if (page.url().includes("/oauth2/v2.0/authorize")) await pickAccount(page, name);
  await page.waitForURL(`${appUrl}/dashboard`);
}

test("every return address from the request stays on our origin; others and malformed ones get a 400", async ({
  request,
}) => {
  for (const path of [
    "/api/auth/signin?callbackUrl=https://evil.example/",
    "/api/auth/signout?callbackUrl=//evil.example",
    "/trial?callbackUrl=/%5Cevil.example",
    "/?returnTo=http://%5B",
    "/dashboard?redirectTo=javascript:alert(1)",
  ]) {
    const response = await request.get(path, { maxRedirects: 0 });
    expect(response.status(), path).toBe(400);
    expect(await response.text()).toContain("must be an address on this site");
  }
  expect((await request.get("/trial?callbackUrl=/dashboard", { maxRedirects: 0 })).status()).toBe(200);
});

test("a forged session cookie is treated as signed out", async ({ page }) => {
  await page.context().addCookies([{ name: "appsource.session", value: "forged-session-token", url: appUrl }]);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(`${appUrl}/`);
  expect((await page.request.get("/api/tenant")).status()).toBe(401);
});

test("the session cookie is HttpOnly and SameSite=Lax, and gets a new value at each sign-in", async ({ page }) => {
  await signIn(page, /Nancy Davolio/);
  const cookie = (await page.context().cookies()).find((candidate) => candidate.name === "appsource.session")!;
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
  const first = cookie.value;

  await signOut(page);
  await page.waitForURL(`${appUrl}/signed-out`);
  expect(await sessionValue(page)).toBeUndefined();
  await signIn(page, /Nancy Davolio/);
  expect(await sessionValue(page)).not.toBe(first);
});

test("a cross-site request cannot sign anyone out (Auth.js's CSRF token is required)", async ({ page }) => {
  await signIn(page, /Nancy Davolio/);
  const response = await page.request.post("/api/auth/signout", {
    form: { callbackUrl: "/" },
    headers: { origin: "https://evil.example" },
    maxRedirects: 0,
  });
  expect(response.status()).toBeLessThan(500);
  expect((await page.request.get("/api/tenant")).status()).toBe(200); // still signed in
});

test("tenant data is checked where it is read: an API route answers 401 with no session at all", async ({
  request,
}) => {
  for (const path of ["/api/tenant", "/api/tenant/users"]) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(401);
    expect(await response.json()).toEqual({ error: "signed-out" });
  }
});
