// Steps through the workspace's shell, as a person would.
import type { Page } from "@playwright/test";

/** Opens the account menu (a disclosure whose summary names the person). */
export async function openAccountMenu(page: Page) {
  await page.locator("summary", { hasText: "account menu" }).click();
}

/** Opens the account menu and signs out of the app. */
export async function signOut(page: Page) {
  await openAccountMenu(page);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
}
