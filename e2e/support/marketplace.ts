// What the marketplace specs share: the landing page's sign-in through the emulator, which shows
// its account picker and consent only when it does not remember the person yet.
import type { Page } from "@playwright/test";
import type { emulatorControl } from "./emulator-control";

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

type Control = ReturnType<typeof emulatorControl>;

/**
 * `name` buys `planId` in the local marketplace and activates it on the app's landing page (at
 * `appUrl`) in `page`; the subscription and the buyer's directory entry.
 */
export async function buyAndActivate(control: Control, page: Page, appUrl: string, name: string, planId: string) {
  const directory = (await control("directory")).json as {
    accounts: { oid: string; tenantId: string; name: string }[];
  };
  const buyer = directory.accounts.find((account) => account.name === name)!;
  const purchase = (
    await control("marketplace/purchases", {
      tenantId: buyer.tenantId,
      oid: buyer.oid,
      offerId: "saas-starter",
      planId,
    })
  ).json as { subscriptionId: string; landingUrl: string };
  await page.goto(purchase.landingUrl);
  await signInAtLanding(page, appUrl, new RegExp(name));
  await page.getByRole("button", { name: "Activate subscription" }).click();
  await page.waitForURL(`${appUrl}/plan?subscription=activated`);
  return { buyer, purchase };
}
