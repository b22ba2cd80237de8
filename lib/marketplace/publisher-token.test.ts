import { generateKeyPairSync } from "node:crypto";
import { ConfidentialClientApplication, ServerError } from "@azure/msal-node";
import { describe, expect, it, vi } from "vitest";
import type { MarketplaceConfig } from "./config";
import { MarketplaceAuthError } from "./errors";
import {
  MARKETPLACE_SCOPE,
  fulfillmentCredentialStatus,
  msalConfiguration,
  publisherTokenSource,
  toMarketplaceAuthError,
  type TokenClient,
} from "./publisher-token";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const SECRET = "fulfillment~secret-value-that-must-never-be-echoed";
const withSecret: MarketplaceConfig = {
  tenantId: TENANT,
  clientId: "4a1c3e5d-7b9f-4d2e-8c6a-1b3d5f7a9c2e",
  credential: { kind: "secret", secret: SECRET },
  apiUrl: "https://marketplaceapi.microsoft.com/api",
};
const PRIVATE_KEY = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .privateKey.export({ type: "pkcs8", format: "pem" })
  .toString();
const withCertificate: MarketplaceConfig = {
  ...withSecret,
  credential: {
    kind: "certificate",
    privateKey: PRIVATE_KEY,
    thumbprint: "ab".repeat(32),
    thumbprintAlgorithm: "sha256",
  },
};

/** What MSAL throws for an error answer of the token endpoint (ResponseHandler.validateTokenResponse). */
function entraRefusal(number: string, description: string): ServerError {
  return new ServerError(
    "invalid_client",
    "5e1a7b3c-0000-4000-8000-00000000abcd",
    `Error(s): ${number} - Timestamp: 2026-11-02 10:00:00Z - Description: AADSTS${number}: ${description} Trace ID: 0f0e Correlation ID: 5e1a - Correlation ID: 5e1a Trace ID: 0f0e`,
    "",
    number,
    401,
  );
}

describe("toMarketplaceAuthError", () => {
  it("says which setting to fix for a wrong or expired secret, in one sentence an operator can act on", () => {
    const wrong = toMarketplaceAuthError(
      entraRefusal(
        "7000215",
        "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.",
      ),
      withSecret,
    );
    expect(wrong).toBeInstanceOf(MarketplaceAuthError);
    expect(wrong.message).toBe(
      "The marketplace fulfillment app's credentials were refused (AADSTS7000215: invalid client secret). Customers cannot be activated or billed until MARKETPLACE_CLIENT_SECRET is fixed.",
    );
    expect(wrong).toMatchObject({
      code: "AADSTS7000215",
      failure: "invalid-secret",
      refused: true,
      variable: "MARKETPLACE_CLIENT_SECRET",
    });
    expect(wrong.correlationId).toBe("5e1a7b3c-0000-4000-8000-00000000abcd");

    const expired = toMarketplaceAuthError(
      entraRefusal("7000222", "The provided client secret keys for app are expired."),
      withSecret,
    );
    expect(expired).toMatchObject({
      code: "AADSTS7000222",
      failure: "expired-secret",
      variable: "MARKETPLACE_CLIENT_SECRET",
    });
    expect(expired.message).toContain("(AADSTS7000222: the client secret has expired)");
  });

  it("points at the client id for an unknown app, at the tenant for an unknown tenant, at the certificate for a refused one", () => {
    expect(
      toMarketplaceAuthError(entraRefusal("700016", "Application not found in the directory."), withSecret),
    ).toMatchObject({
      code: "AADSTS700016",
      failure: "unknown-app",
      variable: "MARKETPLACE_CLIENT_ID",
    });
    expect(toMarketplaceAuthError(entraRefusal("90002", "Tenant not found."), withSecret)).toMatchObject({
      failure: "unknown-tenant",
      variable: "MARKETPLACE_TENANT_ID",
    });
    expect(
      toMarketplaceAuthError(entraRefusal("700027", "Client assertion failed signature validation."), withCertificate),
    ).toMatchObject({
      failure: "invalid-certificate",
      variable: "MARKETPLACE_CLIENT_CERTIFICATE",
    });
  });

  it("finds the code in the message when MSAL gives no error number, and treats an unknown code as a refusal", () => {
    const error = toMarketplaceAuthError(new Error("AADSTS7000999: something new"), withCertificate);
    expect(error).toMatchObject({
      code: "AADSTS7000999",
      failure: "refused",
      refused: true,
      variable: "MARKETPLACE_CLIENT_CERTIFICATE",
    });
  });

  it("reports Entra ID out of reach as not a refusal", () => {
    const error = toMarketplaceAuthError(
      Object.assign(new Error("network"), { errorCode: "network_error" }),
      withSecret,
    );
    expect(error).toMatchObject({ code: null, failure: "unreachable", refused: false, variable: null });
    expect(error.message).toContain("(network_error)");
  });

  it("repeats neither the secret nor Entra ID's description", () => {
    const error = toMarketplaceAuthError(
      entraRefusal("7000215", `Invalid client secret ${SECRET} for app 'Contoso'.`),
      withSecret,
    );
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain("Contoso");
    expect(JSON.stringify(error)).not.toContain(SECRET);
  });
});

describe("msalConfiguration", () => {
  const parts = { authority: `https://login.microsoftonline.com/${TENANT}`, authorityMetadata: '{"issuer":"x"}' };

  it("asks the publisher tenant's authority, with no instance discovery", () => {
    const { auth } = msalConfiguration(withSecret, parts);
    expect(auth.authority).toBe(`https://login.microsoftonline.com/${TENANT}`);
    expect(auth.clientId).toBe(withSecret.clientId);
    expect(auth.clientSecret).toBe(SECRET);
    expect(auth.clientCertificate).toBeUndefined();
    expect(auth.knownAuthorities).toEqual(["login.microsoftonline.com"]);
    expect(auth.authorityMetadata).toBe('{"issuer":"x"}');
    expect(JSON.parse(auth.cloudDiscoveryMetadata!)).toEqual({
      tenant_discovery_endpoint: `https://login.microsoftonline.com/${TENANT}/v2.0/.well-known/openid-configuration`,
      "api-version": "1.1",
      metadata: [
        {
          preferred_network: "login.microsoftonline.com",
          preferred_cache: "login.microsoftonline.com",
          aliases: ["login.microsoftonline.com"],
        },
      ],
    });
  });

  it("signs with the certificate: SHA-256 thumbprint, or the SHA-1 one the portal shows", () => {
    expect(msalConfiguration(withCertificate, parts).auth).toMatchObject({
      clientCertificate: { thumbprintSha256: "ab".repeat(32), privateKey: PRIVATE_KEY },
    });
    expect(msalConfiguration(withCertificate, parts).auth.clientSecret).toBeUndefined();
    const sha1: MarketplaceConfig = {
      ...withSecret,
      credential: {
        kind: "certificate",
        privateKey: PRIVATE_KEY,
        thumbprint: "cd".repeat(20),
        thumbprintAlgorithm: "sha1",
      },
    };
    expect(msalConfiguration(sha1, parts).auth.clientCertificate).toEqual({
      thumbprint: "cd".repeat(20),
      privateKey: PRIVATE_KEY,
    });
  });

  it("is a configuration MSAL accepts, for a secret and for a certificate", () => {
    expect(() => new ConfidentialClientApplication(msalConfiguration(withSecret, parts))).not.toThrow();
    expect(() => new ConfidentialClientApplication(msalConfiguration(withCertificate, parts))).not.toThrow();
  });
});

describe("publisherTokenSource and the fulfillment credential status", () => {
  function source(acquire: TokenClient["acquireTokenByClientCredential"], now: () => Date) {
    const client = { acquireTokenByClientCredential: vi.fn(acquire) };
    const log = { error: vi.fn() };
    const getToken = publisherTokenSource(withSecret, { client: async () => client, now, log });
    return { getToken, client, log };
  }

  it("gets the marketplace token and records the credential as working", async () => {
    const at = new Date("2026-11-02T10:00:00Z");
    const { getToken, client, log } = source(
      async () => ({ accessToken: "marketplace-access-token" }) as never,
      () => at,
    );
    await expect(getToken()).resolves.toBe("marketplace-access-token");
    expect(client.acquireTokenByClientCredential).toHaveBeenCalledWith({ scopes: [MARKETPLACE_SCOPE] });
    expect(MARKETPLACE_SCOPE).toBe("20e940b3-4c77-4b0b-9a53-9e16a1b010a7/.default");
    expect(fulfillmentCredentialStatus()).toEqual({ ok: true, checkedAt: at });
    expect(log.error).not.toHaveBeenCalled();
  });

  it("records a refusal for the operator and logs it loudly, again every 5 minutes while it lasts", async () => {
    let now = new Date("2026-11-02T10:00:00Z");
    const refusal = entraRefusal("7000215", "Invalid client secret provided.");
    const { getToken, log } = source(
      async () => Promise.reject(refusal),
      () => now,
    );
    const sentence =
      "The marketplace fulfillment app's credentials were refused (AADSTS7000215: invalid client secret). Customers cannot be activated or billed until MARKETPLACE_CLIENT_SECRET is fixed.";

    await expect(getToken()).rejects.toBeInstanceOf(MarketplaceAuthError);
    expect(fulfillmentCredentialStatus()).toEqual({
      ok: false,
      code: "AADSTS7000215",
      message: sentence,
      checkedAt: now,
    });
    expect(log.error).toHaveBeenCalledTimes(1);
    expect(log.error).toHaveBeenCalledWith(`[marketplace] ${sentence}`);

    now = new Date("2026-11-02T10:04:00Z");
    await expect(getToken()).rejects.toMatchObject({ code: "AADSTS7000215" });
    expect(fulfillmentCredentialStatus()).toMatchObject({ ok: false, checkedAt: now });
    expect(log.error).toHaveBeenCalledTimes(1);

    now = new Date("2026-11-02T10:05:30Z");
    await expect(getToken()).rejects.toBeInstanceOf(MarketplaceAuthError);
    expect(log.error).toHaveBeenCalledTimes(2);
  });

  it("goes back to ok once a token comes, and logs the next refusal at once", async () => {
    let fail = false;
    const { getToken, log } = source(
      async () => (fail ? Promise.reject(entraRefusal("7000222", "expired")) : ({ accessToken: "t" } as never)),
      () => new Date("2026-11-02T11:00:00Z"),
    );
    await getToken();
    expect(fulfillmentCredentialStatus()).toMatchObject({ ok: true });
    fail = true;
    await expect(getToken()).rejects.toMatchObject({ failure: "expired-secret" });
    expect(log.error).toHaveBeenCalledTimes(1);
    expect(fulfillmentCredentialStatus()).toMatchObject({ ok: false, code: "AADSTS7000222" });
  });

  it("treats an answer without a token as a failure", async () => {
    const { getToken } = source(
      async () => null,
      () => new Date("2026-11-02T12:00:00Z"),
    );
    await expect(getToken()).rejects.toMatchObject({ failure: "unreachable" });
    expect(fulfillmentCredentialStatus()).toMatchObject({ ok: false, code: "unreachable" });
  });
});
