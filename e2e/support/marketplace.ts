// What the marketplace specs share: the landing page's sign-in through the emulator, which shows
// its account picker and consent only when it does not remember the person yet.
import type { Page } from "@playwright/test";

export async function signInAtLanding(page: Page, appUrl: string, name: RegExp): Promise<void> {
  await page.getByRole("link", { name: /Sign in with/ }).click();
  await page.waitForURL((url) => url.origin !== appUrl || url.pathname === "/marketplace");
  const picker = page.getByRole("button", { name });
  if (new URL(page.url()).origin !== appUrl && (await picker.isVisible())) await picker.click();
  const consent = page.getByRole("heading", { name: "Permissions requested" });
  if (new URL(page.url()).origin !== appUrl && (await consent.isVisible())) {
    await page.getByRole("button", { name: "Accept" }).click();
  }
  await page.waitForURL(`${appUrl}/marketplace?token=**`);
}
