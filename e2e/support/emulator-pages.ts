// Steps through the local Entra ID emulator's pages, as a person would.
import type { Page } from "@playwright/test";

const onPicker = (url: URL) => /\/oauth2\/v2\.0\/authorize$|\/v2\.0\/adminconsent$/.test(url.pathname);

/**
 * Picks the account named `name` on the emulator's account picker; then, if a permission screen
 * follows (a first consent, an admin consent), presses `decision` on it.
 */
export async function pickAccount(page: Page, name: RegExp, decision: "Accept" | "Cancel" = "Accept") {
  await page.getByRole("button", { name }).click();
  // The next document: the permission screen, or wherever the emulator sent the browser.
  await page.waitForURL((url) => !onPicker(url), { timeout: 20_000 }).catch(() => undefined);
  const asked = page.getByRole("heading", { name: "Permissions requested" });
  if (await asked.isVisible()) await page.getByRole("button", { name: decision }).click();
}
