import { expect, test } from "@playwright/test";
import { appUrl } from "./support/app";

const backAtTheApp = (url: URL) => url.origin === appUrl;

test("with no Azure account, Sign in with Microsoft goes through the local Entra ID emulator and back", async ({
  page,
}) => {
  await page.goto("/");
  await expect(page.getByText("local Microsoft Entra ID emulator")).toBeVisible();
  await page.getByRole("button", { name: "Sign in with Microsoft" }).click();

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

  await page.waitForURL(backAtTheApp);
  await expect(page.getByText("Signed in as Megan Bowen")).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Sign in with Microsoft" })).toBeVisible();
});

test("a visitor who cancels at the emulator's consent page comes back signed out", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Sign in with Microsoft" }).click();
  await page.getByRole("button", { name: /Alex Wilber/ }).click();
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.waitForURL(backAtTheApp);
  await expect(page.getByText(/Signed in as/)).toHaveCount(0);
});
