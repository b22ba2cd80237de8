import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import {
  account,
  adminConsentRedirectUri,
  authorizeUrl,
  Browser,
  control,
  exchange,
  interactionOf,
  offeredUsernames,
  pkce,
  redirected,
  redirectUri,
  signIn,
  withTestEmulator,
  testApp,
} from "@/test/entra-emulator";
import { PERSONAL_ACCOUNTS_TENANT, roles, seed } from "./directory";
import type { RunningEmulator } from "./server";

let emulator: RunningEmulator;
withTestEmulator((running) => (emulator = running));

const discovery = async (authority: string) =>
  fetch(`${emulator.backUrl}/${authority}/v2.0/.well-known/openid-configuration`);

describe("discovery", () => {
  it("publishes the issuer template for the multiplexers and a concrete issuer for a tenant", async () => {
    for (const authority of ["common", "organizations", "consumers"]) {
      const document = await (await discovery(authority)).json();
      expect(document.issuer).toBe(`${emulator.backUrl}/{tenantid}/v2.0`);
      expect(document.authorization_endpoint).toBe(`${emulator.frontUrl}/${authority}/oauth2/v2.0/authorize`);
      expect(document.token_endpoint).toBe(`${emulator.backUrl}/${authority}/oauth2/v2.0/token`);
      expect(document.jwks_uri).toMatch(/^https:\/\//);
      expect(document.userinfo_endpoint).toMatch(/^https:\/\//);
    }
    const contoso = await (await discovery(seed.contoso)).json();
    expect(contoso.issuer).toBe(`${emulator.backUrl}/${seed.contoso}/v2.0`);
    // A verified domain names the same tenant.
    expect((await (await discovery("contoso.com")).json()).issuer).toBe(contoso.issuer);
  });

  it("answers an unknown tenant with AADSTS90002", async () => {
    const response = await discovery("11111111-2222-3333-4444-555555555555");
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body).toMatchObject({ error: "invalid_tenant", error_codes: [90002] });
    expect(body.error_description).toMatch(/^AADSTS90002: Tenant '11111111-2222-3333-4444-555555555555' not found/);
  });

  it("publishes RS256 keys, and keeps a rotated key for its grace period only", async () => {
    const keys = async () =>
      (
        (await (await fetch(`${emulator.backUrl}/common/discovery/v2.0/keys`)).json()) as {
          keys: { kid: string; kty: string; use: string; issuer: string }[];
        }
      ).keys;
    const before = await keys();
    expect(before).toHaveLength(1);
    expect(before[0]).toMatchObject({ kty: "RSA", use: "sig", issuer: `${emulator.backUrl}/{tenantid}/v2.0` });

    const rotated = (await (await control(emulator, "keys/rotate", { graceMs: 300 })).json()) as {
      kid: string;
      retiredKid: string;
    };
    expect(rotated.retiredKid).toBe(before[0]!.kid);
    expect((await keys()).map((key) => key.kid)).toEqual([rotated.kid, rotated.retiredKid]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await keys()).map((key) => key.kid)).toEqual([rotated.kid]);
  });
});

describe("the authorization endpoint", () => {
  it("shows an error page, never a redirect, for an unknown app or a redirect URI that is not registered", async () => {
    const browser = new Browser(emulator);
    const unknownApp = await browser.get(
      authorizeUrl(emulator, "common", { client_id: "00000000-0000-0000-0000-00000000beef" }),
    );
    expect(unknownApp.status).toBe(400);
    expect(await unknownApp.text()).toContain("AADSTS700016");

    for (const uri of [
      `${redirectUri}/`,
      redirectUri.replace("localhost", "127.0.0.1"),
      "https://attacker.invalid/cb",
    ]) {
      const response = await browser.get(
        authorizeUrl(emulator, "common", { redirect_uri: uri, code_challenge: pkce().challenge }),
      );
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      expect(await response.text()).toContain("AADSTS50011");
    }
  });

  it("supports the code flow only, and requires PKCE with S256", async () => {
    const browser = new Browser(emulator);
    const implicit = redirected(
      await browser.get(
        authorizeUrl(emulator, "common", { response_type: "id_token", code_challenge: pkce().challenge }),
      ),
    );
    expect(implicit.searchParams.get("error")).toBe("unsupported_response_type");

    for (const params of [{ code_challenge: undefined }, { code_challenge: "abc", code_challenge_method: "plain" }]) {
      const refused = redirected(await browser.get(authorizeUrl(emulator, "common", { state: "s1", ...params })));
      expect(`${refused.origin}${refused.pathname}`).toBe(redirectUri);
      expect(refused.searchParams.get("error")).toBe("invalid_request");
      expect(refused.searchParams.get("error_description")).toMatch(/^AADSTS9002325:/);
      expect(refused.searchParams.get("state")).toBe("s1");
    }
  });

  it("offers the accounts each authority accepts", async () => {
    const offered = async (authority: string, params: Record<string, string> = {}) => {
      const response = await new Browser(emulator).get(
        authorizeUrl(emulator, authority, { code_challenge: pkce().challenge, ...params }),
      );
      const html = await response.text();
      expect(html).toContain("Local Microsoft Entra ID emulator");
      return offeredUsernames(html);
    };
    const common = await offered("common");
    expect(common).toEqual(expect.arrayContaining(["adele@contoso.com", "ian@fabrikam.com", "sam.taylor@outlook.com"]));
    expect(common.some((name) => name.includes("#EXT#"))).toBe(false);
    const organizations = await offered("organizations");
    expect(organizations).not.toContain("sam.taylor@outlook.com");
    expect(organizations).toContain("nancy@northwindtraders.com");
    expect(await offered("consumers")).toEqual(["sam.taylor@outlook.com", "chris.green@hotmail.com"]);
    expect(await offered(seed.fabrikam)).toEqual([
      "ian@fabrikam.com",
      "jordan@fabrikam.com",
      "megan_contoso.com#EXT#@fabrikam.onmicrosoft.com",
    ]);
    expect(await offered("common", { login_hint: "alex@contoso.com" })).toEqual(["alex@contoso.com"]);
    expect(await offered("organizations", { domain_hint: "fabrikam.com" })).toEqual([
      "ian@fabrikam.com",
      "jordan@fabrikam.com",
    ]);
  });

  it("refuses an account the authority does not accept, even in a crafted form", async () => {
    const browser = new Browser(emulator);
    const picker = await browser.get(authorizeUrl(emulator, "organizations", { code_challenge: pkce().challenge }));
    const sam = await account(emulator, "sam.taylor@outlook.com");
    const response = await browser.post(`/_interaction/${interactionOf(await picker.text())}/account`, {
      tid: sam.tenantId,
      oid: sam.oid,
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("AADSTS50020");
  });

  it("runs a first sign-in to the end: consent, code, tokens with Entra's claims", async () => {
    const megan = await account(emulator, "megan@contoso.com");
    const signedIn = await signIn(emulator, { username: "megan@contoso.com", consent: "accept" });
    expect(`${signedIn.callback.origin}${signedIn.callback.pathname}`).toBe(redirectUri);
    expect(signedIn.callback.searchParams.get("state")).toBe(signedIn.state);

    const response = await exchange(emulator, signedIn);
    expect(response.status).toBe(200);
    const tokens = await response.json();
    expect(tokens).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
    expect(tokens.scope.split(" ")).toEqual(
      expect.arrayContaining(["openid", "https://graph.microsoft.com/User.Read"]),
    );
    expect(tokens.refresh_token).toEqual(expect.any(String));

    const jwks = createLocalJWKSet(
      await (await fetch(`${emulator.backUrl}/${seed.contoso}/discovery/v2.0/keys`)).json(),
    );
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token, jwks, {
      issuer: `${emulator.backUrl}/${seed.contoso}/v2.0`,
      audience: testApp.clientId,
    });
    expect(protectedHeader).toMatchObject({ alg: "RS256", typ: "JWT" });
    expect(payload).toMatchObject({
      ver: "2.0",
      tid: seed.contoso,
      oid: megan.oid,
      name: "Megan Bowen",
      preferred_username: "megan@contoso.com",
      email: "megan@contoso.com",
      nonce: signedIn.nonce,
      wids: [roles.user],
    });
    expect(payload.sub).toMatch(/^[\w-]{43}$/);
    expect(payload.sub).not.toBe(megan.oid);
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(payload.nbf).toBe(payload.iat);

    const access = decodeJwt(tokens.access_token);
    expect(access).toMatchObject({
      aud: "00000003-0000-0000-c000-000000000000",
      tid: seed.contoso,
      oid: megan.oid,
      scp: "User.Read",
      idtyp: "user",
    });
  });

  it("gives the same person a different sub in another app (pairwise)", async () => {
    const other = { ...testApp, clientId: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d" };
    await control(emulator, "apps", other);
    const first = decodeJwt(
      (
        await (
          await exchange(emulator, await signIn(emulator, { username: "alex@contoso.com", consent: "accept" }))
        ).json()
      ).id_token,
    );
    const browser = new Browser(emulator);
    const { verifier, challenge } = pkce();
    const picker = await browser.get(
      authorizeUrl(emulator, "common", { client_id: other.clientId, code_challenge: challenge }),
    );
    const alex = await account(emulator, "alex@contoso.com");
    const consent = await browser.post(`/_interaction/${interactionOf(await picker.text())}/account`, {
      tid: alex.tenantId,
      oid: alex.oid,
    });
    const callback = redirected(
      await browser.post(`/_interaction/${interactionOf(await consent.text())}/consent`, { decision: "accept" }),
    );
    const response = await fetch(`${emulator.backUrl}/common/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "authorization_code",
        client_id: other.clientId,
        client_secret: other.secret,
        code: callback.searchParams.get("code")!,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      }),
    });
    const second = decodeJwt((await response.json()).id_token);
    expect(second.oid).toBe(first.oid);
    expect(second.sub).not.toBe(first.sub);
  });

  it("remembers the signed-in account and the consent, and honours prompt", async () => {
    const first = await signIn(emulator, { username: "megan@contoso.com", consent: "accept" });
    const browser = first.browser;
    // Signed in and consented: straight back to the app.
    const again = redirected(await browser.get(authorizeUrl(emulator, "common", { code_challenge: pkce().challenge })));
    expect(again.searchParams.get("code")).toBeTruthy();
    // prompt=login and prompt=select_account show the picker; prompt=consent asks again.
    for (const prompt of ["login", "select_account"]) {
      const response = await browser.get(
        authorizeUrl(emulator, "common", { prompt, code_challenge: pkce().challenge }),
      );
      expect(response.status).toBe(200);
      expect(offeredUsernames(await response.text()).length).toBeGreaterThan(1);
    }
    const consentAgain = await browser.get(
      authorizeUrl(emulator, "common", { prompt: "consent", code_challenge: pkce().challenge }),
    );
    expect(await consentAgain.text()).toContain("Permissions requested");
    // prompt=none: a code with a session, login_required without one.
    const silent = redirected(
      await browser.get(authorizeUrl(emulator, "common", { prompt: "none", code_challenge: pkce().challenge })),
    );
    expect(silent.searchParams.get("code")).toBeTruthy();
    const anonymous = redirected(
      await new Browser(emulator).get(
        authorizeUrl(emulator, "common", { prompt: "none", code_challenge: pkce().challenge }),
      ),
    );
    expect(anonymous.searchParams.get("error")).toBe("login_required");
    expect(anonymous.searchParams.get("error_description")).toMatch(/^AADSTS50058:/);
  });

  it("prompt=none answers consent_required when the user never consented", async () => {
    const browser = new Browser(emulator);
    const picker = await browser.get(authorizeUrl(emulator, "common", { code_challenge: pkce().challenge }));
    const alex = await account(emulator, "alex@contoso.com");
    await browser.post(`/_interaction/${interactionOf(await picker.text())}/account`, {
      tid: alex.tenantId,
      oid: alex.oid,
    });
    const silent = redirected(
      await browser.get(authorizeUrl(emulator, "common", { prompt: "none", code_challenge: pkce().challenge })),
    );
    expect(silent.searchParams.get("error")).toBe("consent_required");
    expect(silent.searchParams.get("error_description")).toMatch(/^AADSTS65001:/);
  });

  it("sends a user who cancels consent back with access_denied", async () => {
    const browser = new Browser(emulator);
    const picker = await browser.get(
      authorizeUrl(emulator, "common", { state: "s2", code_challenge: pkce().challenge }),
    );
    const megan = await account(emulator, "megan@contoso.com");
    const consent = await browser.post(`/_interaction/${interactionOf(await picker.text())}/account`, {
      tid: megan.tenantId,
      oid: megan.oid,
    });
    const back = redirected(
      await browser.post(`/_interaction/${interactionOf(await consent.text())}/consent`, { decision: "cancel" }),
    );
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("error_subcode")).toBe("cancel");
    expect(back.searchParams.get("error_description")).toMatch(/^AADSTS65004:/);
    expect(back.searchParams.get("state")).toBe("s2");
    expect(back.searchParams.get("code")).toBeNull();
  });
});

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

  it("shows a non-admin of a tenant without user consent Entra's 'Need admin approval', whose only way back is access_denied", async () => {
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

describe("sign-out", () => {
  it("forgets the account and returns only to a registered app's origin", async () => {
    const { browser } = await signIn(emulator, { username: "megan@contoso.com", consent: "accept" });
    const out = await browser.get(
      `${emulator.frontUrl}/common/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent("http://localhost:3000/")}`,
    );
    expect(redirected(out).toString()).toBe("http://localhost:3000/");
    const picker = await browser.get(authorizeUrl(emulator, "common", { code_challenge: pkce().challenge }));
    expect(picker.status).toBe(200); // no session: the picker again

    const elsewhere = await browser.get(
      `${emulator.frontUrl}/common/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent("https://attacker.invalid/")}`,
    );
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.headers.get("location")).toBeNull();
  });
});

describe("the control API", () => {
  it("refuses requests without its header (a cross-site page cannot send it)", async () => {
    const response = await fetch(`${emulator.backUrl}/_emulator/reset`, { method: "POST" });
    expect(response.status).toBe(403);
  });

  it("creates tenants and users that can sign in", async () => {
    const tenant = await (
      await control(emulator, "tenants", { displayName: "Tailspin", domains: ["tailspin.example"] })
    ).json();
    await control(emulator, "users", {
      tenantId: tenant.id,
      name: "Terry",
      username: "terry@tailspin.example",
      admin: true,
    });
    const terry = await signIn(emulator, { username: "terry@tailspin.example", consent: "accept" });
    const tokens = await (await exchange(emulator, terry)).json();
    expect(decodeJwt(tokens.id_token)).toMatchObject({ tid: tenant.id, wids: [roles.globalAdministrator, roles.user] });
  });
});
