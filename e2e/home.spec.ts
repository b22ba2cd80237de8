import { expect, test } from "@playwright/test";

test("the home page renders without errors in the browser", async ({ page }) => {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));

  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("AppSource SaaS Starter");
  await expect(page).toHaveTitle("AppSource SaaS Starter");
  expect(problems).toEqual([]);
});

test("health answers 200 with the database up, and is never cached", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(response.headers()["cache-control"]).toBe("no-store");
  expect(await response.json()).toEqual({ status: "ok", checks: { database: "up" } });
});

test("an unknown address gets a page written for people", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Go to the home page" })).toHaveAttribute("href", "/");
});

test("the pages people meet when they cannot get in are written for them", async ({ page }) => {
  for (const [path, heading] of [
    ["/account/pending", "We are setting up your environment"],
    ["/account/suspended", "Access suspended"],
    ["/account/consent-revoked", "Your administrator needs to sign up again"],
    ["/trial/expired", "Your free trial has ended"],
    ["/signin/personal-account", "Use your work or school account"],
    ["/signup/refused?reason=not-admin", "An administrator must sign up the organization"],
    ["/signin/error?error=OAuthCallbackError", "Sign-in did not complete"],
  ] as const) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
  }
});

test("text from the URL is never shown as ours or Microsoft's: the page picks its words from the error code", async ({
  page,
}) => {
  let dialog = false;
  page.on("dialog", async (prompt) => {
    dialog = true;
    await prompt.dismiss();
  });
  const description = `AADSTS50000: Your account is locked. Call +1 555 0100. <img src=x onerror="alert(1)"><b>bold</b>`;
  await page.goto(`/signin/error?error=server_error&error_description=${encodeURIComponent(description)}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign-in did not complete");
  await expect(page.locator("main")).not.toContainText("555 0100");
  await expect(page.locator("main")).not.toContainText("locked");
  await expect(page.getByText(/Reference for support: [0-9a-f-]{36} \(AADSTS50000\)/)).toBeVisible();
  expect(await page.locator("main img, main b").count()).toBe(0);
  expect(dialog).toBe(false);

  // The same for the organization sign-up's page, whatever its query carries.
  await page.goto(`/signup/refused?reason=constructor&error_description=${encodeURIComponent(description)}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Organization sign-up did not complete");
  await expect(page.locator("main")).not.toContainText("555 0100");
});

test("a provider error on the callback URL lands on the app's page, not Auth.js's", async ({ page }) => {
  await page.goto(
    `/api/auth/callback/microsoft-entra-id?error=access_denied&error_description=${encodeURIComponent("AADSTS65004: User declined to consent to access the app.")}&state=x`,
  );
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your organization needs to approve this app");
});
