// Steps through the local Entra ID emulator's pages, as a person would.
import { expect, type Page } from "@playwright/test";

const onPicker = (url: URL) => /\/oauth2\/v2\.0\/authorize$|\/v2\.0\/adminconsent$/.test(url.pathname);

/**
 * Picks the account named `name` on the emulator's account picker; then, if a permission screen
 * follows (a first consent, an admin consent), presses `decision` on it.
 */
export async function pickAccount(page: Page, name: RegExp, decision: "Accept" | "Cancel" = "Accept") {
  await page.getByRole("button", { name }).click();
  // The next document: the permission screen, or wherever the emulator sent the browser.
  await page.waitForURL((url) => !onPicker(url), { timeout: 60_000 }).catch(() => undefined);
  const asked = page.getByRole("heading", { name: "Permissions requested" });
  if (await asked.isVisible()) await page.getByRole("button", { name: decision }).click();
}

/**
 * Counts, from now on, the pages the emulator shows `page` at the start of a sign-in or an admin
 * consent: its authorize or adminconsent address answering with a page (200) rather than sending
 * the browser on (302). Where consent is already given, as after an admin consent, that page is
 * the account picker; a sign-in that reuses Microsoft's session shows none.
 */
export function countAccountPickers(page: Page): () => number {
  let count = 0;
  page.on("response", (response) => {
    if (response.request().isNavigationRequest() && response.status() === 200 && onPicker(new URL(response.url())))
      count++;
  });
  return () => count;
}

/**
 * Runs `name`'s trial sign-in at `appUrl` up to the app's callback and returns the callback URL,
 * undelivered: the emulator's answers are fetched here, and its redirect back to the app is kept,
 * not followed (the test delivers it as it likes: altered, elsewhere, with the database down).
 */
export async function capturedCallback(page: Page, appUrl: string, name: RegExp): Promise<string> {
  let callback = "";
  await page.route(/\/_interaction\//, async (route) => {
    const response = await route.fetch({ maxRedirects: 0 });
    const location = response.headers()["location"] ?? "";
    if (response.status() === 302 && location.startsWith(`${appUrl}/api/auth/callback/`)) {
      callback = location;
      await route.fulfill({ status: 200, contentType: "text/html", body: "<p>captured</p>" });
    } else {
      await route.fulfill({ response });
    }
  });
  await page.goto(`${appUrl}/trial`);
  await pickAccount(page, name);
  await expect.poll(() => callback).not.toBe("");
  await page.unrouteAll();
  return callback;
}
