import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import { describe, expect, it, vi } from "vitest";
import {
  account,
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
  testApp,
  withTestEmulator,
} from "@/test/entra-emulator";
import { roles, seed } from "./directory";
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

    // The emulator's clock, moved by the test: the grace period is what the key set shows, not a race.
    vi.useFakeTimers({ toFake: ["Date"], now: new Date() });
    try {
      const rotated = (await (await control(emulator, "keys/rotate", { graceMs: 60_000 })).json()) as {
        kid: string;
        retiredKid: string;
      };
      expect(rotated.retiredKid).toBe(before[0]!.kid);
      expect((await keys()).map((key) => key.kid)).toEqual([rotated.kid, rotated.retiredKid]);
      vi.setSystemTime(Date.now() + 59_000);
      expect((await keys()).map((key) => key.kid)).toEqual([rotated.kid, rotated.retiredKid]);
      vi.setSystemTime(Date.now() + 1_001);
      expect((await keys()).map((key) => key.kid)).toEqual([rotated.kid]);
    } finally {
      vi.useRealTimers();
    }
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
