import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import {
  account,
  adminConsentRedirectUri,
  authorizeUrl,
  Browser,
  control,
  exchange,
  interactionOf,
  pkce,
  redirected,
  redirectUri,
  signIn,
  testApp,
  withTestEmulator,
} from "@/test/entra-emulator";
import { PERSONAL_ACCOUNTS_TENANT, seed } from "./directory";
import type { RunningEmulator } from "./server";

let emulator: RunningEmulator;
withTestEmulator((running) => (emulator = running));

describe("the consent model", () => {
  const principal = (tenant: string) => control(emulator, `tenants/${tenant}/service-principals/${testApp.clientId}`);

  it("installs the app in a tenant at the first user's consent, for that user only", async () => {
    expect((await principal(seed.contoso)).status).toBe(404);
    const megan = await account(emulator, "megan@contoso.com");
    await signIn(emulator, { username: "megan@contoso.com", consent: "accept" });
    const installed = await (await principal(seed.contoso)).json();
    expect(installed.adminConsent).toBeNull();
    expect(Object.keys(installed.userConsents)).toEqual([megan.oid]);
    // Alex, same tenant, is still asked.
    const alex = await new Browser(emulator).get(
      authorizeUrl(emulator, "common", { login_hint: "alex@contoso.com", code_challenge: pkce().challenge }),
    );
    const who = await account(emulator, "alex@contoso.com");
    const next = await new Browser(emulator).post(`/_interaction/${interactionOf(await alex.text())}/account`, {
      tid: who.tenantId,
      oid: who.oid,
    });
    expect(await next.text()).toContain("Permissions requested");
  });

  it("lets an administrator consent for the whole organization; then nobody there is asked", async () => {
    const adele = await signIn(emulator, { username: "adele@contoso.com", consent: "accept-for-organization" });
    expect(adele.callback.searchParams.get("code")).toBeTruthy();
    expect((await (await principal(seed.contoso)).json()).adminConsent).toMatchObject({
      application: ["Organization.Read.All"],
    });
    const alex = await signIn(emulator, { username: "alex@contoso.com", consent: "none" });
    expect(alex.callback.searchParams.get("code")).toBeTruthy();
  });

  it("shows a non-admin of a tenant without user consent Entra's 'Need admin approval', whose only way back is access_denied with AADSTS90094", async () => {
    const browser = new Browser(emulator);
    const picker = await browser.get(
      authorizeUrl(emulator, "common", { state: "s3", code_challenge: pkce().challenge }),
    );
    const jordan = await account(emulator, "jordan@fabrikam.com");
    const page = await browser.post(`/_interaction/${interactionOf(await picker.text())}/account`, {
      tid: jordan.tenantId,
      oid: jordan.oid,
    });
    const html = await page.text();
    expect(html).toContain("Need admin approval");
    expect(html).toContain("Return to the application without granting consent");
    expect(html).not.toContain('value="accept"');

    // Even a crafted "accept" grants nothing.
    const crafted = redirected(
      await browser.post(`/_interaction/${interactionOf(html)}/consent`, { decision: "accept" }),
    );
    expect(crafted.searchParams.get("error")).toBe("access_denied");
    expect(crafted.searchParams.get("error_description")).toMatch(/^AADSTS90094:/);
    expect((await principal(seed.fabrikam)).status).toBe(404);
  });

  it("answers 'Return to the application without granting consent' as Entra does: admin approval required, not a decline", async () => {
    const browser = new Browser(emulator);
    const picker = await browser.get(
      authorizeUrl(emulator, "common", { state: "s4", code_challenge: pkce().challenge }),
    );
    const jordan = await account(emulator, "jordan@fabrikam.com");
    const page = await browser.post(`/_interaction/${interactionOf(await picker.text())}/account`, {
      tid: jordan.tenantId,
      oid: jordan.oid,
    });
    const html = await page.text();
    expect(html).toContain("Need admin approval");
    const back = redirected(await browser.post(`/_interaction/${interactionOf(html)}/consent`, { decision: "cancel" }));
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("error_description")).toMatch(/^AADSTS90094:/);
    expect(back.searchParams.get("error_subcode")).toBeNull();
    expect(back.searchParams.get("state")).toBe("s4");
    expect(back.searchParams.get("code")).toBeNull();
    expect((await principal(seed.fabrikam)).status).toBe(404);
  });

  it("never lets a user consent to a permission that needs an admin", async () => {
    const browser = new Browser(emulator);
    const picker = await browser.get(
      authorizeUrl(emulator, "common", { scope: "openid profile User.Read.All", code_challenge: pkce().challenge }),
    );
    const megan = await account(emulator, "megan@contoso.com");
    const page = await browser.post(`/_interaction/${interactionOf(await picker.text())}/account`, {
      tid: megan.tenantId,
      oid: megan.oid,
    });
    const html = await page.text();
    expect(html).toContain("Need admin approval");
    const back = redirected(await browser.post(`/_interaction/${interactionOf(html)}/consent`, { decision: "cancel" }));
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("error_description")).toMatch(/^AADSTS90094:/);
  });

  it("signs a personal account in through /consumers, in the personal-account tenant", async () => {
    const sam = await signIn(emulator, {
      username: "sam.taylor@outlook.com",
      authority: "consumers",
      consent: "accept",
    });
    const tokens = await (
      await fetch(`${emulator.backUrl}/consumers/oauth2/v2.0/token`, {
        method: "POST",
        body: new URLSearchParams({
          grant_type: "authorization_code",
          client_id: testApp.clientId,
          client_secret: testApp.secret,
          code: sam.callback.searchParams.get("code")!,
          redirect_uri: redirectUri,
          code_verifier: sam.verifier,
        }),
      })
    ).json();
    expect(decodeJwt(tokens.id_token)).toMatchObject({
      tid: PERSONAL_ACCOUNTS_TENANT,
      iss: `${emulator.backUrl}/${PERSONAL_ACCOUNTS_TENANT}/v2.0`,
    });
  });

  it("signs a guest in to the tenant that invited them, with their home tenant as idp", async () => {
    // Fabrikam does not allow user consent: its admin consents for the organization first.
    await signIn(emulator, {
      username: "ian@fabrikam.com",
      authority: seed.fabrikam,
      consent: "accept-for-organization",
    });
    const guest = await signIn(emulator, {
      username: "megan_contoso.com#EXT#@fabrikam.onmicrosoft.com",
      authority: seed.fabrikam,
      consent: "none",
    });
    const response = await fetch(`${emulator.backUrl}/${seed.fabrikam}/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "authorization_code",
        client_id: testApp.clientId,
        client_secret: testApp.secret,
        code: guest.callback.searchParams.get("code")!,
        redirect_uri: redirectUri,
        code_verifier: guest.verifier,
      }),
    });
    const claims = decodeJwt((await response.json()).id_token);
    const contosoMegan = await account(emulator, "megan@contoso.com");
    expect(claims).toMatchObject({ tid: seed.fabrikam, idp: `https://sts.windows.net/${seed.contoso}/`, acct: 1 });
    expect(claims.oid).not.toBe(contosoMegan.oid);
  });
});

describe("the admin consent endpoint", () => {
  const adminConsentUrl = (authority: string, params: Record<string, string> = {}) => {
    const url = new URL(`${emulator.frontUrl}/${authority}/v2.0/adminconsent`);
    url.search = new URLSearchParams({
      client_id: testApp.clientId,
      scope: "https://graph.microsoft.com/.default",
      redirect_uri: adminConsentRedirectUri,
      state: "admin-state",
      ...params,
    }).toString();
    return url.toString();
  };

  async function pick(browser: Browser, url: string, username: string) {
    const picker = await browser.get(url);
    const who = await account(emulator, username);
    return browser.post(`/_interaction/${interactionOf(await picker.text())}/account`, {
      tid: who.tenantId,
      oid: who.oid,
    });
  }

  it("redirects an approving admin back with admin_consent=True, the tenant and the state; the tenant's users are in", async () => {
    const browser = new Browser(emulator);
    const page = await pick(browser, adminConsentUrl("organizations"), "ian@fabrikam.com");
    const html = await page.text();
    expect(html).toContain("Accept for your organization");
    const back = redirected(await browser.post(`/_interaction/${interactionOf(html)}/consent`, { decision: "accept" }));
    expect(`${back.origin}${back.pathname}`).toBe(adminConsentRedirectUri);
    expect(Object.fromEntries(back.searchParams)).toMatchObject({
      admin_consent: "True",
      tenant: seed.fabrikam,
      state: "admin-state",
    });

    const jordan = await signIn(emulator, { username: "jordan@fabrikam.com", consent: "none" });
    expect(jordan.callback.searchParams.get("code")).toBeTruthy();
  });

  it("signs the approving admin in at the next sign-in without asking for the account again", async () => {
    // The app's admin sign-up: admin consent, then a sign-in with domain_hint and no prompt.
    const browser = new Browser(emulator);
    const page = await pick(browser, adminConsentUrl("organizations"), "ian@fabrikam.com");
    redirected(await browser.post(`/_interaction/${interactionOf(await page.text())}/consent`, { decision: "accept" }));
    const { verifier, challenge } = pkce();
    const callback = redirected(
      await browser.get(authorizeUrl(emulator, "common", { domain_hint: seed.fabrikam, code_challenge: challenge })),
    );
    const tokens = await (await exchange(emulator, { callback, verifier })).json();
    const ian = await account(emulator, "ian@fabrikam.com");
    expect(decodeJwt(tokens.id_token)).toMatchObject({ tid: seed.fabrikam, oid: ian.oid });
  });

  it("sends a non-admin back with an error and activates nothing", async () => {
    const back = redirected(await pick(new Browser(emulator), adminConsentUrl("organizations"), "jordan@fabrikam.com"));
    expect(back.searchParams.get("admin_consent")).toBeNull();
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("error_description")).toMatch(/^AADSTS90094:/);
    expect(back.searchParams.get("state")).toBe("admin-state");
    expect((await control(emulator, `tenants/${seed.fabrikam}/service-principals/${testApp.clientId}`)).status).toBe(
      404,
    );
  });

  it("sends an admin who cancels back with access_denied", async () => {
    const browser = new Browser(emulator);
    const page = await pick(browser, adminConsentUrl(seed.contoso), "adele@contoso.com");
    const back = redirected(
      await browser.post(`/_interaction/${interactionOf(await page.text())}/consent`, { decision: "cancel" }),
    );
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("error_description")).toMatch(/^AADSTS65004:/);
  });

  it("refuses a redirect URI that is not registered with an error page", async () => {
    const response = await new Browser(emulator).get(
      adminConsentUrl("organizations", { redirect_uri: "https://attacker.invalid/" }),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(await response.text()).toContain("AADSTS50011");
  });
});
