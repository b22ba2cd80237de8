import {
  createLocalJWKSet,
  errors as joseErrors,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  SignJWT,
  type CryptoKey,
  type JWTHeaderParameters,
  type JWTPayload,
} from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { authorityMetadata, v1AuthorityMetadata } from "../entra/authority";
import type { MarketplaceConfig } from "./config";
import { verifyWebhookToken, webhookTrust, WebhookUnauthorized, type WebhookTrust } from "./webhook-auth";

// No network: the discovery documents are stubbed here, key sets are local or served by a stubbed fetch.
vi.mock("../entra/authority", () => ({
  authorityBase: () => "https://login.microsoftonline.com",
  authorityMetadata: vi.fn(),
  v1AuthorityMetadata: vi.fn(),
}));

const PUBLISHER = "0d3f5a7c-2b4e-4c6d-8e1f-3a5b7c9d1e2f";
const OTHER_TENANT = "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
const FULFILLMENT_APP = "4a1c3e5d-7b9f-4d2e-8c6a-1b3d5f7a9c2e";
const SIGN_IN_APP = "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f";
/** Written out, not imported: a changed constant must fail here. */
const MARKETPLACE = "20e940b3-4c77-4b0b-9a53-9e16a1b010a7";
const ANOTHER_APP = "6e5d4c3b-2a19-4f8e-9d7c-6b5a4f3e2d1c";
const SERVICE_PRINCIPAL = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";
const V2_ISSUER = `https://login.microsoftonline.com/${PUBLISHER}/v2.0`;
const V1_ISSUER = `https://sts.windows.net/${PUBLISHER}/`;
const JWKS_URI = `https://login.microsoftonline.com/${PUBLISHER}/discovery/v2.0/keys`;
const KID = "publisher-key-1";

const publisher = await generateKeyPair("RS256", { extractable: true });
const publisherPrivateJwk = await exportJWK(publisher.privateKey);
// As Entra ID publishes them: kid and use, no alg.
const publishedJwk = { ...(await exportJWK(publisher.publicKey)), kid: KID, use: "sig" };
const stranger = await generateKeyPair("RS256");

const trust: WebhookTrust = {
  publisherTenantId: PUBLISHER,
  fulfillmentClientId: FULFILLMENT_APP,
  issuers: { v1: V1_ISSUER, v2: V2_ISSUER },
  keys: createLocalJWKSet({ keys: [publishedJwk] }),
};

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The marketplace's token as Entra ID issues it to an app accepting v2 access tokens. */
function v2Claims(): JWTPayload {
  const now = nowSeconds();
  return {
    iss: V2_ISSUER,
    aud: FULFILLMENT_APP,
    tid: PUBLISHER,
    azp: MARKETPLACE,
    azpacr: "2",
    ver: "2.0",
    oid: SERVICE_PRINCIPAL,
    sub: SERVICE_PRINCIPAL,
    idtyp: "app",
    iat: now,
    nbf: now,
    exp: now + 3600,
  };
}

/** ... and to an app that leaves accessTokenAcceptedVersion unset (v1 access tokens). */
function v1Claims(): JWTPayload {
  const now = nowSeconds();
  return {
    iss: V1_ISSUER,
    aud: FULFILLMENT_APP,
    tid: PUBLISHER,
    appid: MARKETPLACE,
    appidacr: "2",
    ver: "1.0",
    oid: SERVICE_PRINCIPAL,
    sub: SERVICE_PRINCIPAL,
    iat: now,
    nbf: now,
    exp: now + 3600,
  };
}

type Changes = {
  version?: "1.0" | "2.0";
  /** Claims to change; undefined removes one. */
  claims?: Record<string, unknown>;
  header?: Partial<JWTHeaderParameters> & Record<string, unknown>;
  key?: CryptoKey | Uint8Array;
};

/** A valid token, but for `changes`. */
function token({ version = "2.0", claims = {}, header = {}, key = publisher.privateKey }: Changes = {}) {
  const payload = Object.fromEntries(
    Object.entries({ ...(version === "2.0" ? v2Claims() : v1Claims()), ...claims }).filter(([, v]) => v !== undefined),
  );
  return new SignJWT(payload).setProtectedHeader({ alg: "RS256", typ: "JWT", kid: KID, ...header }).sign(key);
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The refusal of a call carrying `authorization`; its message holds no part of the token. */
async function refusal(authorization: string | null, withTrust: WebhookTrust = trust): Promise<WebhookUnauthorized> {
  const error: unknown = await verifyWebhookToken(authorization, withTrust).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(WebhookUnauthorized);
  const { message } = error as WebhookUnauthorized;
  const credentials = authorization?.replace(/^\S+\s+/, "") ?? "";
  for (const part of [credentials, ...credentials.split(/[.\s]/)].filter((part) => part.length >= 6)) {
    expect(message).not.toContain(part);
  }
  return error as WebhookUnauthorized;
}

async function reasonFor(jwt: string | Promise<string>): Promise<string> {
  return (await refusal(`Bearer ${await jwt}`)).reason;
}

describe("a webhook call from the marketplace", () => {
  it("with a v2 token is the marketplace service, for the publisher tenant", async () => {
    const claims = v2Claims();
    const jwt = await new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: KID })
      .sign(publisher.privateKey);
    await expect(verifyWebhookToken(`Bearer ${jwt}`, trust)).resolves.toEqual({
      version: "2.0",
      tenantId: PUBLISHER,
      appId: MARKETPLACE,
      issuedAt: new Date(claims.iat! * 1000),
    });
  });

  it("with a v1 token (sts.windows.net issuer, appid) is accepted too", async () => {
    await expect(verifyWebhookToken(`Bearer ${await token({ version: "1.0" })}`, trust)).resolves.toMatchObject({
      version: "1.0",
      tenantId: PUBLISHER,
      appId: MARKETPLACE,
    });
  });

  it("is accepted with the scheme in any case, and GUIDs in upper case", async () => {
    await expect(verifyWebhookToken(`bearer ${await token()}`, trust)).resolves.toMatchObject({ version: "2.0" });
    const upper = await token({ claims: { tid: PUBLISHER.toUpperCase(), azp: MARKETPLACE.toUpperCase() } });
    await expect(verifyWebhookToken(`Bearer ${upper}`, trust)).resolves.toMatchObject({
      tenantId: PUBLISHER,
      appId: MARKETPLACE,
    });
  });

  it("is accepted with both caller claims when both name the marketplace", async () => {
    await expect(
      verifyWebhookToken(`Bearer ${await token({ claims: { appid: MARKETPLACE } })}`, trust),
    ).resolves.toMatchObject({ version: "2.0" });
    await expect(
      verifyWebhookToken(`Bearer ${await token({ version: "1.0", claims: { azp: MARKETPLACE } })}`, trust),
    ).resolves.toMatchObject({ version: "1.0" });
  });
});

describe("the Authorization header", () => {
  it("is required", async () => {
    expect((await refusal(null)).reason).toBe("missing-bearer");
    expect((await refusal("")).reason).toBe("missing-bearer");
  });

  it("must use the Bearer scheme", async () => {
    const jwt = await token();
    expect((await refusal(`Basic ${jwt}`)).reason).toBe("missing-bearer");
    expect((await refusal(`Bearer${jwt}`)).reason).toBe("missing-bearer");
    expect((await refusal("Bearer ")).reason).toBe("missing-bearer");
  });

  it("must carry one JWT", async () => {
    const jwt = await token();
    expect((await refusal(`Bearer ${jwt} ${jwt}`)).reason).toBe("malformed");
    expect((await refusal("Bearer not-a-token-at-all")).reason).toBe("malformed");
    expect((await refusal("Bearer bm90IGpzb24.e30.c2ln")).reason).toBe("malformed"); // header is not JSON
  });

  it("is bounded in size", async () => {
    expect(await reasonFor(token({ claims: { padding: "x".repeat(16 * 1024) } }))).toBe("malformed");
  });
});

describe("the token's algorithm", () => {
  it("none is refused", async () => {
    const [, payload] = (await token()).split(".");
    const unsigned = `${base64url({ alg: "none", typ: "JWT", kid: KID })}.${payload}.`;
    expect(await reasonFor(unsigned)).toBe("algorithm");
  });

  it("HS256 keyed with the published public key is refused", async () => {
    const secret = new TextEncoder().encode(await exportSPKI(publisher.publicKey));
    expect(await reasonFor(token({ header: { alg: "HS256" }, key: secret }))).toBe("algorithm");
  });

  it("PS256 and RS512 with the publisher's own key are refused", async () => {
    const ps256 = (await importJWK(publisherPrivateJwk, "PS256")) as CryptoKey;
    expect(await reasonFor(token({ header: { alg: "PS256" }, key: ps256 }))).toBe("algorithm");
    const rs512 = (await importJWK(publisherPrivateJwk, "RS512")) as CryptoKey;
    expect(await reasonFor(token({ header: { alg: "RS512" }, key: rs512 }))).toBe("algorithm");
  });

  it("ES256 is refused", async () => {
    const ec = await generateKeyPair("ES256");
    expect(await reasonFor(token({ header: { alg: "ES256" }, key: ec.privateKey }))).toBe("algorithm");
  });
});

describe("the token's key", () => {
  it("must be the published key its kid names", async () => {
    expect(await reasonFor(token({ key: stranger.privateKey }))).toBe("signature");
  });

  it("must have a kid of the publisher tenant's key set", async () => {
    expect(await reasonFor(token({ header: { kid: "publisher-key-2" } }))).toBe("unknown-key");
  });

  it("is never one the token carries (jwk), even signed by it", async () => {
    const jwk = await exportJWK(stranger.publicKey);
    expect(await reasonFor(token({ header: { jwk }, key: stranger.privateKey }))).toBe("embedded-key");
  });

  it("is never fetched from an address the token names (jku, x5u), nor taken from x5c", async () => {
    expect(await reasonFor(token({ header: { jku: "https://attacker.example/keys" } }))).toBe("embedded-key");
    expect(await reasonFor(token({ header: { x5u: "https://attacker.example/cert.pem" } }))).toBe("embedded-key");
    expect(await reasonFor(token({ header: { x5c: ["MIIBszCCAVmgAwIBAgIUQ"] } }))).toBe("embedded-key");
  });

  it("set that cannot be read refuses the call as keys-unavailable", async () => {
    const jwt = await token();
    for (const failure of [new joseErrors.JWKSTimeout(), new TypeError("fetch failed"), new joseErrors.JWKSInvalid()]) {
      const unreachable: WebhookTrust = {
        ...trust,
        keys: async () => {
          throw failure;
        },
      };
      expect((await refusal(`Bearer ${jwt}`, unreachable)).reason).toBe("keys-unavailable");
    }
  });
});

describe("the token's issuer", () => {
  it("must be the publisher tenant's", async () => {
    expect(await reasonFor(token({ claims: { iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0` } }))).toBe(
      "issuer",
    );
    expect(
      await reasonFor(token({ version: "1.0", claims: { iss: `https://sts.windows.net/${OTHER_TENANT}/` } })),
    ).toBe("issuer");
  });

  it("must be exactly the issuer (no trailing slash added or removed)", async () => {
    expect(await reasonFor(token({ claims: { iss: `${V2_ISSUER}/` } }))).toBe("issuer");
    expect(await reasonFor(token({ version: "1.0", claims: { iss: V1_ISSUER.replace(/\/$/, "") } }))).toBe("issuer");
  });

  it("is never the /common template", async () => {
    expect(await reasonFor(token({ claims: { iss: "https://login.microsoftonline.com/{tenantid}/v2.0" } }))).toBe(
      "issuer",
    );
  });

  it("must be of the token's own version", async () => {
    expect(await reasonFor(token({ claims: { ver: "1.0" } }))).toBe("issuer");
    expect(await reasonFor(token({ version: "1.0", claims: { ver: "2.0" } }))).toBe("issuer");
  });
});

describe("the token's tenant", () => {
  it("must be the publisher tenant", async () => {
    expect(await reasonFor(token({ claims: { tid: OTHER_TENANT } }))).toBe("tenant");
    expect(await reasonFor(token({ version: "1.0", claims: { tid: OTHER_TENANT } }))).toBe("tenant");
    expect(await reasonFor(token({ claims: { tid: undefined } }))).toBe("tenant");
  });

  it("must be the tenant of the issuer", async () => {
    // A trust whose issuers belong to another tenant than the one configured: no token matches it.
    const mismatched: WebhookTrust = { ...trust, publisherTenantId: OTHER_TENANT };
    const jwt = await token({ claims: { tid: OTHER_TENANT } });
    expect((await refusal(`Bearer ${jwt}`, mismatched)).reason).toBe("issuer");
  });
});

describe("the token's audience", () => {
  it("must be the fulfillment app", async () => {
    expect(await reasonFor(token({ claims: { aud: MARKETPLACE } }))).toBe("audience");
    expect(await reasonFor(token({ claims: { aud: SIGN_IN_APP } }))).toBe("audience");
    expect(await reasonFor(token({ claims: { aud: undefined } }))).toBe("audience");
  });

  it("must be one string, as Entra ID gives it", async () => {
    expect(await reasonFor(token({ claims: { aud: [FULFILLMENT_APP, SIGN_IN_APP] } }))).toBe("audience");
    expect(await reasonFor(token({ claims: { aud: [FULFILLMENT_APP] } }))).toBe("audience");
  });
});

describe("the calling app", () => {
  it("must be the marketplace service (azp in v2 tokens)", async () => {
    expect(await reasonFor(token({ claims: { azp: ANOTHER_APP } }))).toBe("caller");
    expect(await reasonFor(token({ claims: { azp: undefined } }))).toBe("caller");
    // v2 tokens name the caller in azp: an appid alone does not do.
    expect(await reasonFor(token({ claims: { azp: undefined, appid: MARKETPLACE } }))).toBe("caller");
  });

  it("must be the marketplace service (appid in v1 tokens)", async () => {
    expect(await reasonFor(token({ version: "1.0", claims: { appid: ANOTHER_APP } }))).toBe("caller");
    expect(await reasonFor(token({ version: "1.0", claims: { appid: undefined, azp: MARKETPLACE } }))).toBe("caller");
  });

  it("must be named the same by both claims when a token carries both", async () => {
    expect(await reasonFor(token({ claims: { appid: ANOTHER_APP } }))).toBe("caller");
    expect(await reasonFor(token({ version: "1.0", claims: { azp: ANOTHER_APP } }))).toBe("caller");
  });
});

describe("the token's lifetime", () => {
  it("past exp is refused beyond the clock tolerance", async () => {
    expect(await reasonFor(token({ claims: { exp: nowSeconds() - 120 } }))).toBe("expired");
  });

  it("past exp is accepted within the clock tolerance", async () => {
    await expect(
      verifyWebhookToken(`Bearer ${await token({ claims: { exp: nowSeconds() - 30 } })}`, trust),
    ).resolves.toMatchObject({ version: "2.0" });
  });

  it("nbf in the future is refused beyond the clock tolerance, accepted within it", async () => {
    expect(await reasonFor(token({ claims: { nbf: nowSeconds() + 300 } }))).toBe("not-yet-valid");
    await expect(
      verifyWebhookToken(`Bearer ${await token({ claims: { nbf: nowSeconds() + 30 } })}`, trust),
    ).resolves.toMatchObject({ version: "2.0" });
  });

  it("must end: a token without exp is refused", async () => {
    expect(await reasonFor(token({ claims: { exp: undefined } }))).toBe("malformed");
    expect(await reasonFor(token({ claims: { exp: "tomorrow" } }))).toBe("malformed");
  });

  it("follows the trust's clock tolerance", async () => {
    const strict: WebhookTrust = { ...trust, clockToleranceSeconds: 0 };
    const jwt = await token({ claims: { exp: nowSeconds() - 30 } });
    expect((await refusal(`Bearer ${jwt}`, strict)).reason).toBe("expired");
  });
});

describe("the production trust of the publisher tenant", () => {
  const settings: MarketplaceConfig = {
    tenantId: PUBLISHER,
    clientId: FULFILLMENT_APP,
    credential: { kind: "secret", secret: "fulfillment-secret" },
    apiUrl: "https://marketplaceapi.microsoft.com/api",
  };
  const v2Document = {
    issuer: V2_ISSUER,
    authorization_endpoint: `https://login.microsoftonline.com/${PUBLISHER}/oauth2/v2.0/authorize`,
    token_endpoint: `https://login.microsoftonline.com/${PUBLISHER}/oauth2/v2.0/token`,
    jwks_uri: JWKS_URI,
    raw: "{}",
  };
  const v1Document = { issuer: V1_ISSUER, jwks_uri: `https://login.microsoftonline.com/${PUBLISHER}/discovery/keys` };

  afterEach(() => {
    vi.mocked(authorityMetadata).mockReset();
    vi.mocked(v1AuthorityMetadata).mockReset();
    vi.unstubAllGlobals();
  });

  it("takes both issuers from the tenant's discovery documents and keeps one key set per tenant", async () => {
    vi.mocked(authorityMetadata).mockResolvedValue(v2Document);
    vi.mocked(v1AuthorityMetadata).mockResolvedValue(v1Document);
    const first = await webhookTrust(settings);
    expect(first).toMatchObject({
      publisherTenantId: PUBLISHER,
      fulfillmentClientId: FULFILLMENT_APP,
      issuers: { v1: V1_ISSUER, v2: V2_ISSUER },
    });
    expect(vi.mocked(authorityMetadata)).toHaveBeenCalledWith(PUBLISHER);
    expect(vi.mocked(v1AuthorityMetadata)).toHaveBeenCalledWith(PUBLISHER);
    expect((await webhookTrust({ ...settings, tenantId: PUBLISHER.toUpperCase() })).keys).toBe(first.keys);
  });

  it("checks tokens with the keys served at the document's jwks_uri", async () => {
    vi.mocked(authorityMetadata).mockResolvedValue(v2Document);
    vi.mocked(v1AuthorityMetadata).mockResolvedValue(v1Document);
    const fetched: string[] = [];
    vi.stubGlobal("fetch", async (url: string | URL) => {
      fetched.push(String(url));
      return Response.json({ keys: [publishedJwk] });
    });
    const production = await webhookTrust(settings);
    await expect(verifyWebhookToken(`Bearer ${await token()}`, production)).resolves.toMatchObject({ version: "2.0" });
    const forged = await token({ key: stranger.privateKey });
    expect((await refusal(`Bearer ${forged}`, production)).reason).toBe("signature");
    expect(fetched).toEqual([JWKS_URI]);
  });

  it("is unavailable when a discovery document cannot be read", async () => {
    vi.mocked(authorityMetadata).mockResolvedValue(v2Document);
    vi.mocked(v1AuthorityMetadata).mockRejectedValue(new Error(`v1 discovery of ${PUBLISHER} answered 404`));
    await expect(webhookTrust(settings)).rejects.toMatchObject({ reason: "keys-unavailable" });
  });

  it("is unavailable when a document is not the publisher tenant's", async () => {
    vi.mocked(authorityMetadata).mockResolvedValue({
      ...v2Document,
      issuer: "https://login.microsoftonline.com/{tenantid}/v2.0",
    });
    vi.mocked(v1AuthorityMetadata).mockResolvedValue(v1Document);
    await expect(webhookTrust(settings)).rejects.toMatchObject({ reason: "keys-unavailable" });
    vi.mocked(authorityMetadata).mockResolvedValue(v2Document);
    vi.mocked(v1AuthorityMetadata).mockResolvedValue({
      ...v1Document,
      issuer: `https://sts.windows.net/${OTHER_TENANT}/`,
    });
    await expect(webhookTrust(settings)).rejects.toMatchObject({ reason: "keys-unavailable" });
  });

  it("is unavailable when the key set is not served over https", async () => {
    vi.mocked(authorityMetadata).mockResolvedValue({ ...v2Document, jwks_uri: JWKS_URI.replace("https:", "http:") });
    vi.mocked(v1AuthorityMetadata).mockResolvedValue(v1Document);
    await expect(webhookTrust(settings)).rejects.toMatchObject({ reason: "keys-unavailable" });
  });
});
