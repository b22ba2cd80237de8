import { expect, test } from "@playwright/test";
import { appUrl } from "./support/app";
import { expectNoAxeViolations } from "./support/axe";
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

test("a visitor who cancels at the emulator's consent page is told what the permissions are for, signed out", async ({
  page,
}) => {
  await page.goto("/trial");
  await page.getByRole("button", { name: /Alex Wilber/ }).click();
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.waitForURL(`${appUrl}/signin/error**`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("You did not accept the permissions");
  for (const permission of [/^Sign you in/, /^Read your basic profile/, /^Read your organization's name/]) {
    await expect(page.getByRole("listitem").filter({ hasText: permission })).toBeVisible();
  }
  await expect(page.getByText(/Reference for support: [0-9a-f-]{36} \(AADSTS65004\)/)).toBeVisible();
  // Not the page for an organization that needs its administrator: nothing to hand to IT.
  await expect(page.getByRole("textbox")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Try again" })).toHaveAttribute("href", "/trial");
  await expectNoAxeViolations(page, "declined");
  await page.goto("/dashboard");
  await expect(page).toHaveURL(`${appUrl}/`);
});

test("a non-admin whose organization needs admin approval gets a link and a message for IT, and an administrator's way in", async ({
  page,
  context,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: appUrl });
  // Fabrikam does not allow user consent: Entra's "Need admin approval", then back to the app.
  await page.goto("/trial");
  await page.getByRole("button", { name: /Jordan Lee/ }).click();
  await expect(page.getByRole("heading", { name: "Need admin approval" })).toBeVisible();
  await page.getByRole("button", { name: "Return to the application without granting consent" }).click();
  await page.waitForURL(`${appUrl}/signin/error**`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your organization needs to approve this app");
  await expect(page.getByText(/Reference for support: [0-9a-f-]{36} \(AADSTS90094\)/)).toBeVisible();

  // The admin sign-up's address, absolute, read-only, and a message around it, ready to send.
  const link = page.getByRole("textbox", { name: "Sign-up link for an administrator" });
  await expect(link).toHaveValue(`${appUrl}/signup`);
  await expect(link).not.toBeEditable();
  const message = page.getByRole("textbox", { name: "Message to your IT department" });
  await expect(message).not.toBeEditable();
  const text = await message.inputValue();
  expect(text).toContain(`\n${appUrl}/signup\n`);
  expect(text).toContain("administrator");

  // The buttons copy exactly what the fields show.
  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
  await page.getByRole("button", { name: "Copy link" }).click();
  await expect.poll(clipboard).toBe(`${appUrl}/signup`);
  await expect(page.getByRole("status").filter({ hasText: "Copied." })).toHaveCount(1);
  await page.getByRole("button", { name: "Copy message" }).click();
  await expect.poll(clipboard).toBe(text);
  await expectNoAxeViolations(page, "needs admin approval");

  // An administrator reading the page goes straight to Entra's admin consent.
  await page.getByRole("link", { name: "I'm an administrator: approve for the organization" }).click();
  await page.waitForURL(/\/organizations\/v2\.0\/adminconsent\?/);
  await expect(page.getByRole("heading", { name: "Sign in with an administrator account" })).toBeVisible();
});
