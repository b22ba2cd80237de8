// What the identity-provider outage specs share (e2e/security/idp-faults.spec.ts: broken answers;
// idp-timeouts.spec.ts: no answer in time): where each outage meets the sign-in, a sign-in
// attempt, and the refusal every outage must end in.
import { expect, type Browser, type Page } from "@playwright/test";
import type { AppServer } from "./app-server";
import { emulatorControl } from "./emulator-control";
import { pickAccount } from "./emulator-pages";

/**
 * Where each outage meets the sign-in, in the order it happens. `skip` lets the first requests to
 * the broken document through, so the outage starts mid-sign-in. `ownKeyLookup`: the app's own
 * lookup of the ID token's keys (lib/auth/id-token.ts, half of ENTRA_TIMEOUT_MS), else Auth.js's
 * requests (all of it). The app's own discovery of the tenant comes before any key set outage: a
 * key set outage leaves Contoso's discovery remembered.
 */
export const OUTAGE_STAGES = [
  {
    target: "discovery-common",
    skip: 0,
    where: "/common's discovery, as the sign-in starts (Auth.js)",
    reachesMicrosoft: false,
    ownKeyLookup: false,
    path: "/common/v2.0/.well-known/openid-configuration",
  },
  {
    target: "discovery-common",
    skip: 1,
    where: "/common's discovery, at the callback (Auth.js)",
    reachesMicrosoft: true,
    ownKeyLookup: false,
    path: "/common/v2.0/.well-known/openid-configuration",
  },
  {
    target: "discovery-tenant",
    skip: 0,
    where: "the tenant's discovery, for its issuer (Auth.js)",
    reachesMicrosoft: true,
    ownKeyLookup: false,
    path: "/4a1e9b5c-2f3d-4c8a-9e6b-1d2c3b4a5f60/v2.0/.well-known/openid-configuration",
  },
  {
    target: "discovery-tenant",
    skip: 1,
    where: "the tenant's discovery, for its key set (the app's own)",
    reachesMicrosoft: true,
    ownKeyLookup: true,
    path: "/4a1e9b5c-2f3d-4c8a-9e6b-1d2c3b4a5f60/v2.0/.well-known/openid-configuration",
  },
  {
    target: "jwks",
    skip: 0,
    where: "the tenant's key set",
    reachesMicrosoft: true,
    ownKeyLookup: true,
    path: "/discovery/v2.0/keys",
  },
] as const;

export type EmulatorStats = { jwksRequests: number; faultyResponses: number };

export function outageControls(app: AppServer) {
  const control = emulatorControl(Number(new URL(app.url).port));
  return {
    control,
    stats: async () => (await control("stats")).json as EmulatorStats,
    /** The app's output from now on. */
    logFromNow() {
      const start = app.server.output().length;
      return () => app.server.output().slice(start);
    },
  };
}

/**
 * Opens the trial link in a new browser and, if the app sends it to Microsoft, picks `name` on the
 * emulator's account picker. `reachedMicrosoft` tells whether it got there.
 */
export async function attemptSignIn(
  browser: Browser,
  appUrl: string,
  name = /Megan Bowen/,
): Promise<{ page: Page; reachedMicrosoft: boolean }> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${appUrl}/trial`);
  await page.waitForURL(
    (url) => url.pathname.endsWith("/oauth2/v2.0/authorize") || url.href.startsWith(`${appUrl}/signin/error`),
    { timeout: 60_000 },
  );
  const reachedMicrosoft = page.url().includes("/oauth2/v2.0/authorize");
  if (reachedMicrosoft) await pickAccount(page, name);
  return { page, reachedMicrosoft };
}

/** The sign-in ended on its error page, and nothing was written: no cookie, tenant, user or session. */
export async function expectRefused(app: AppServer, page: Page) {
  await page.waitForURL(`${app.url}/signin/error**`, { timeout: 60_000 });
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign-in did not complete");
  expect((await page.context().cookies()).map((cookie) => cookie.name)).not.toContain("appsource.session");
  expect(await app.prisma.tenant.count()).toBe(0);
  expect(await app.prisma.user.count()).toBe(0);
  expect(await app.prisma.session.count()).toBe(0);
}
