import { expect, test } from "@playwright/test";
import { appUrl } from "./support/app";
import { signOut } from "./support/workspace";

// The deployed app (e2e/support/app-server.ts): Microsoft Entra ID is the emulator here, named by
// the production variables, so the app shows no development notice.
test("the home page's sign-in button goes through Microsoft Entra ID and back, and signing out ends it", async ({
  page,
}) => {
  await page.goto("/");
  await expect(page.getByText("local Microsoft Entra ID emulator")).toHaveCount(0);
  await page.getByRole("link", { name: "Sign in with Microsoft" }).click();

  // The emulator's pages are plain HTTP on localhost: no certificate warning to click through.
  await page.waitForURL(/^http:\/\/localhost:\d+\/common\/oauth2\/v2\.0\/authorize\?/);
  const authorize = new URL(page.url());
  expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
  expect(authorize.searchParams.get("state")).toBeTruthy();
  expect(authorize.searchParams.get("nonce")).toBeTruthy();
  await expect(page.getByRole("note")).toContainText("Local Microsoft Entra ID emulator");

  await page.getByRole("button", { name: /Megan Bowen/ }).click();
  await expect(page.getByRole("heading", { name: "Permissions requested" })).toBeVisible();
  await page.getByRole("button", { name: "Accept" }).click();

  await page.waitForURL(`${appUrl}/dashboard`);
  await expect(page.getByRole("status")).toContainText("days left in your trial");

  await signOut(page);
  await page.waitForURL(`${appUrl}/signed-out`);
  await expect(page.getByRole("link", { name: "Sign in again" })).toBeVisible();
});

test("a visitor who cancels at the emulator's consent page gets the app's page, signed out", async ({ page }) => {
  await page.goto("/trial");
  await page.getByRole("button", { name: /Alex Wilber/ }).click();
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.waitForURL(`${appUrl}/signin/error**`);
  await expect(page.getByRole("heading", { name: "Your organization needs to approve this app" })).toBeVisible();
  await page.goto("/dashboard");
  await expect(page).toHaveURL(`${appUrl}/`);
});
