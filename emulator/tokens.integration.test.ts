import { ConfidentialClientApplication } from "@azure/msal-node";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import {
  control,
  exchange,
  redeem,
  redirectUri,
  signIn,
  startTestEmulator,
  testApp,
  withTestEmulator,
} from "@/test/entra-emulator";
import { seed } from "./directory";
import type { RunningEmulator } from "./server";
import { misbehaviours } from "./tokens";

let emulator: RunningEmulator;
withTestEmulator((running) => (emulator = running));

async function expectEntraError(response: Response, status: number, error: string, code: number) {
  expect(response.status).toBe(status);
  const body = await response.json();
  expect(body).toMatchObject({ error, error_codes: [code] });
  expect(body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
  expect(body).toHaveProperty("trace_id");
  expect(body).toHaveProperty("correlation_id");
}

describe("the token endpoint: authorization_code", () => {
  it("redeems a code once; the second time is AADSTS54005", async () => {
    const signedIn = await signIn(emulator, { username: "megan@contoso.com", consent: "accept" });
    expect((await exchange(emulator, signedIn)).status).toBe(200);
    await expectEntraError(await exchange(emulator, signedIn), 400, "invalid_grant", 54005);
  });

  it("checks the verifier, the redirect URI and the code itself", async () => {
    const signedIn = await signIn(emulator, { username: "megan@contoso.com", consent: "accept" });
    const code = signedIn.callback.searchParams.get("code")!;
    const form = {
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri,
      code_verifier: signedIn.verifier,
    };
    await expectEntraError(
      await redeem(emulator, { ...form, code_verifier: "x".repeat(43) }),
      400,
      "invalid_grant",
      501481,
    );
    await expectEntraError(await redeem(emulator, { ...form, code_verifier: "" }), 400, "invalid_grant", 501481);
    await expectEntraError(
      await redeem(emulator, { ...form, redirect_uri: `${redirectUri}/` }),
      400,
      "invalid_grant",
      500117,
    );
    await expectEntraError(await redeem(emulator, { ...form, code: "not-a-code" }), 400, "invalid_grant", 70008);
    await expectEntraError(await redeem(emulator, { ...form, code: "" }), 400, "invalid_request", 900144);
  });

  it("authenticates the client by client_secret_basic or client_secret_post", async () => {
    const first = await signIn(emulator, { username: "megan@contoso.com", consent: "accept" });
    const form = {
      grant_type: "authorization_code",
      code: first.callback.searchParams.get("code")!,
      redirect_uri: redirectUri,
      code_verifier: first.verifier,
    };
    await expectEntraError(await redeem(emulator, { ...form, client_secret: "wrong" }), 401, "invalid_client", 7000215);
    await expectEntraError(
      await redeem(emulator, { ...form, client_secret: "wrong" }, "common", "basic"),
      401,
      "invalid_client",
      7000215,
    );
    await expectEntraError(
      await redeem(emulator, { ...form, client_id: "00000000-0000-0000-0000-00000000beef" }),
      400,
      "unauthorized_client",
      700016,
    );
    expect((await redeem(emulator, form, "common", "basic")).status).toBe(200);
  });

  it("lets a code expire (AADSTS70008)", async () => {
    const shortLived = await startTestEmulator({ codeLifetimeMs: 50 });
    try {
      const signedIn = await signIn(shortLived, { username: "megan@contoso.com", consent: "accept" });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await expectEntraError(await exchange(shortLived, signedIn), 400, "invalid_grant", 70008);
    } finally {
      await shortLived.stop();
    }
  });

  it("refuses other grants with AADSTS70003", async () => {
    await expectEntraError(
      await redeem(emulator, { grant_type: "password", username: "a", password: "b" }),
      400,
      "unsupported_grant_type",
      70003,
    );
  });
});

describe("the token endpoint: refresh_token", () => {
  it("issues new tokens for a refresh token, until the app is removed from the tenant", async () => {
    const tokens = await (
      await exchange(emulator, await signIn(emulator, { username: "megan@contoso.com", consent: "accept" }))
    ).json();
    const refreshed = await redeem(emulator, { grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    expect(refreshed.status).toBe(200);
    const body = await refreshed.json();
    expect(decodeJwt(body.id_token)).toMatchObject({ tid: seed.contoso, preferred_username: "megan@contoso.com" });

    await control(emulator, `tenants/${seed.contoso}/revoke`, { clientId: testApp.clientId });
    await expectEntraError(
      await redeem(emulator, { grant_type: "refresh_token", refresh_token: tokens.refresh_token }),
      400,
      "invalid_grant",
      65001,
    );
    await expectEntraError(
      await redeem(emulator, { grant_type: "refresh_token", refresh_token: "unknown" }),
      400,
      "invalid_grant",
      9002313,
    );
  });
});

describe("the token endpoint: client_credentials", () => {
  const appOnly = (authority: string, scope = "https://graph.microsoft.com/.default") =>
    redeem(emulator, { grant_type: "client_credentials", scope }, authority);

  it("gives an app-only token from a tenant where the app is installed, with the admin-consented roles", async () => {
    await signIn(emulator, { username: "adele@contoso.com", consent: "accept-for-organization" });
    const response = await appOnly(seed.contoso);
    expect(response.status).toBe(200);
    const claims = decodeJwt((await response.json()).access_token);
    expect(claims).toMatchObject({
      tid: seed.contoso,
      idtyp: "app",
      roles: ["Organization.Read.All"],
      appid: testApp.clientId,
    });
  });

  it("answers AADSTS700016 where the app has no service principal, and asks for a tenant and /.default", async () => {
    await expectEntraError(await appOnly(seed.northwind), 400, "unauthorized_client", 700016);
    await expectEntraError(await appOnly("common"), 400, "invalid_request", 90009);
    await signIn(emulator, { username: "adele@contoso.com", consent: "accept-for-organization" });
    await expectEntraError(
      await appOnly(seed.contoso, "https://graph.microsoft.com/User.Read"),
      400,
      "invalid_scope",
      1002012,
    );
  });

  it("counts each app's client credentials grants in /_emulator/stats, refused ones too", async () => {
    const counted = async () =>
      ((await (await control(emulator, "stats")).json()) as { clientCredentialRequests: Record<string, number> })
        .clientCredentialRequests[testApp.clientId] ?? 0;
    const before = await counted();
    await exchange(
      emulator,
      await signIn(emulator, { username: "adele@contoso.com", consent: "accept-for-organization" }),
    );
    expect((await appOnly(seed.contoso)).status).toBe(200);
    expect((await appOnly(seed.northwind)).status).toBe(400);
    // Another grant, and a client that did not prove who it is, are not its grants.
    const wrongSecret = { grant_type: "client_credentials", scope: "https://graph.microsoft.com/.default" };
    expect((await redeem(emulator, { ...wrongSecret, client_secret: "wrong" }, seed.contoso)).status).toBe(401);
    expect(await counted()).toBe(before + 2);
  });

  it("works for MSAL Node from the tenant's authority, and fails with AADSTS700016 once the app is revoked", async () => {
    await signIn(emulator, { username: "adele@contoso.com", consent: "accept-for-organization" });
    const host = new URL(emulator.backUrl).host;
    const authority = `${emulator.backUrl}/${seed.contoso}`;
    const metadata = await (await fetch(`${authority}/v2.0/.well-known/openid-configuration`)).text();
    const msal = () =>
      new ConfidentialClientApplication({
        auth: {
          clientId: testApp.clientId,
          clientSecret: testApp.secret,
          authority,
          knownAuthorities: [host],
          authorityMetadata: metadata,
          cloudDiscoveryMetadata: JSON.stringify({
            tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
            "api-version": "1.1",
            metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
          }),
        },
      });
    const result = await msal().acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"] });
    expect(decodeJwt(result!.accessToken)).toMatchObject({ tid: seed.contoso, roles: ["Organization.Read.All"] });

    await control(emulator, `tenants/${seed.contoso}/revoke`, { clientId: testApp.clientId });
    await expect(
      msal().acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"], skipCache: true }),
    ).rejects.toMatchObject({
      errorCode: "unauthorized_client",
      errorMessage: expect.stringContaining("AADSTS700016"),
    });
  });
});

describe("misbehaviours, for testing the app's defences", () => {
  async function tokensWith(kind: string, delayMs?: number) {
    const signedIn = await signIn(emulator, { username: "megan@contoso.com", consent: "accept" });
    expect((await control(emulator, "misbehave", { kind, delayMs })).status).toBe(200);
    return exchange(emulator, signedIn);
  }
  const jwks = async () =>
    createLocalJWKSet(await (await fetch(`${emulator.backUrl}/common/discovery/v2.0/keys`)).json());

  it("refuses an unknown kind", async () => {
    const response = await control(emulator, "misbehave", { kind: "be-nice" });
    expect(response.status).toBe(400);
  });

  it("bends the next ID token only", async () => {
    const expectations: Record<string, (token: string) => Promise<void> | void> = {
      "bad-signature": async (token) => {
        await expect(jwtVerify(token, await jwks())).rejects.toThrow();
      },
      "unknown-kid": async (token) => {
        await expect(jwtVerify(token, await jwks())).rejects.toThrow();
      },
      "alg-none": (token) => expect(decodeProtectedHeader(token).alg).toBe("none"),
      "hs256-public-key": (token) => expect(decodeProtectedHeader(token).alg).toBe("HS256"),
      "jku-header": (token) => expect(decodeProtectedHeader(token).jku).toBe("https://attacker.invalid/keys"),
      "jwk-header": (token) => expect(decodeProtectedHeader(token).jwk).toBeDefined(),
      "wrong-iss": (token) => expect(decodeJwt(token).iss).toBe(`https://issuer.invalid/${seed.contoso}/v2.0`),
      "iss-tid-mismatch": (token) => expect(decodeJwt(token).iss).not.toContain(seed.contoso),
      "templated-iss": (token) => expect(decodeJwt(token).iss).toBe(`${emulator.backUrl}/{tenantid}/v2.0`),
      "tid-not-guid": (token) => expect(decodeJwt(token).tid).toBe("contoso.onmicrosoft.com"),
      "wrong-aud": (token) => expect(decodeJwt(token).aud).not.toBe(testApp.clientId),
      expired: (token) => expect(decodeJwt(token).exp).toBeLessThan(Date.now() / 1000),
      "missing-nonce": (token) => expect(decodeJwt(token).nonce).toBeUndefined(),
      "missing-sub": (token) => expect(decodeJwt(token).sub).toBeUndefined(),
      "access-token-as-id-token": (token) => expect(decodeJwt(token).aud).toBe("00000003-0000-0000-c000-000000000000"),
    };
    for (const [kind, check] of Object.entries(expectations)) {
      const response = await tokensWith(kind);
      expect(response.status, kind).toBe(200);
      await check((await response.json()).id_token);
    }
    // Once only: the next response is sound.
    const sound = (
      await (
        await exchange(emulator, await signIn(emulator, { username: "megan@contoso.com", consent: "none" }))
      ).json()
    ).id_token;
    await expect(jwtVerify(sound, await jwks(), { audience: testApp.clientId })).resolves.toBeDefined();
  });

  it("breaks the next token response itself: 500, HTML, {}, slow", async () => {
    expect((await tokensWith("token-500")).status).toBe(500);
    const html = await tokensWith("token-html");
    expect(html.headers.get("content-type")).toContain("text/html");
    expect(await (await tokensWith("token-empty-json")).json()).toEqual({});
    const started = Date.now();
    expect((await tokensWith("token-slow", 300)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it("is kept for a person's sign-in: an app's own token request in between does not take it", async () => {
    const signedIn = await signIn(emulator, { username: "megan@contoso.com", consent: "accept" });
    expect((await control(emulator, "misbehave", { kind: "token-500" })).status).toBe(200);
    const appOnly = await redeem(
      emulator,
      { grant_type: "client_credentials", scope: "https://graph.microsoft.com/.default" },
      seed.contoso,
    );
    expect(appOnly.status).toBe(200);
    expect((await exchange(emulator, signedIn)).status).toBe(500);
  });

  it("lists every kind it knows in its error message", async () => {
    const body = await (await control(emulator, "misbehave", { kind: "?" })).json();
    for (const kind of misbehaviours) expect(body.error).toContain(kind);
  });
});
