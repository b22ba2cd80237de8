// The tokens the emulator issues, with Microsoft Entra ID's claims (ID tokens v2.0; Microsoft
// Graph access tokens v1.0, as Graph gets them), and the misbehaviours tests can ask for.
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import { base64url } from "jose";
import type { Account } from "./directory";
import { PERSONAL_ACCOUNTS_TENANT } from "./directory";
import type { SigningKeys } from "./keys";

export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
/** The SaaS Fulfillment API's resource (application) id, the same in every tenant. */
export const MARKETPLACE_RESOURCE_ID = "20e940b3-4c77-4b0b-9a53-9e16a1b010a7";
export const TOKEN_LIFETIME_S = 3600;

/** A misbehaviour applies to the next token endpoint response to a person's sign-in only. */
export const misbehaviours = [
  "bad-signature",
  "alg-none",
  "hs256-public-key",
  "jku-header",
  "jwk-header",
  "x5u-header",
  "unknown-kid",
  "wrong-iss",
  "iss-tid-mismatch",
  "templated-iss",
  "tid-not-guid",
  "wrong-aud",
  "extra-aud",
  "wrong-azp",
  "expired",
  "not-yet-valid",
  "missing-exp",
  "missing-iat",
  "stale-iat",
  "missing-sub",
  "missing-nonce",
  "wrong-nonce",
  "access-token-as-id-token",
  "token-500",
  "token-html",
  "token-empty-json",
  "token-huge",
  "token-slow",
] as const;
export type Misbehaviour = (typeof misbehaviours)[number];

/** `sub` is pairwise: the same person gets a different `sub` in each app (Entra's rule). */
export function pairwiseSub(clientId: string, account: Account): string {
  return createHash("sha256").update(`${clientId}|${account.tenantId}|${account.oid}`).digest("base64url").slice(0, 43);
}

export type IdTokenInput = {
  issuerBase: string;
  clientId: string;
  account: Account;
  nonce?: string;
  scopes: string[];
  authTime: number;
  /** The values of the app roles assigned to the account in its tenant; none: no `roles` claim. */
  roles?: string[];
};

export function idTokenClaims({ issuerBase, clientId, account, nonce, scopes, authTime, roles }: IdTokenInput) {
  const now = Math.floor(Date.now() / 1000);
  const personal = account.tenantId === PERSONAL_ACCOUNTS_TENANT;
  return {
    ver: "2.0",
    iss: `${issuerBase}/${account.tenantId}/v2.0`,
    sub: pairwiseSub(clientId, account),
    aud: clientId,
    exp: now + TOKEN_LIFETIME_S,
    iat: now,
    nbf: now,
    auth_time: authTime,
    ...(nonce ? { nonce } : {}),
    name: account.name,
    preferred_username: account.username,
    ...(scopes.includes("email") && account.email ? { email: account.email } : {}),
    oid: account.oid,
    tid: account.tenantId,
    ...(account.wids.length ? { wids: account.wids } : {}),
    ...(roles?.length ? { roles } : {}),
    ...(account.homeTenantId ? { idp: `https://sts.windows.net/${account.homeTenantId}/`, acct: 1 } : {}),
    ...(personal ? { idp: PERSONAL_ACCOUNTS_TENANT } : {}),
    uti: randomBytes(16).toString("base64url"),
    rh: "0.emulator",
    aio: randomBytes(24).toString("base64url"),
  };
}

export function graphAccessTokenClaims(input: {
  issuerBase: string;
  clientId: string;
  tenantId: string;
  account?: Account;
  scp?: string[];
  roles?: string[];
}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    aud: GRAPH_APP_ID,
    iss: `${input.issuerBase}/${input.tenantId}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + TOKEN_LIFETIME_S,
    appid: input.clientId,
    azp: input.clientId,
    tid: input.tenantId,
    ver: "1.0",
    uti: randomBytes(16).toString("base64url"),
    ...(input.account
      ? {
          idtyp: "user",
          oid: input.account.oid,
          sub: pairwiseSub(GRAPH_APP_ID, input.account),
          name: input.account.name,
          upn: input.account.username,
          scp: (input.scp ?? []).join(" "),
          ...(input.account.wids.length ? { wids: input.account.wids } : {}),
        }
      : { idtyp: "app", oid: randomUUID(), sub: randomUUID(), roles: input.roles ?? [] }),
  };
}

/** A stable GUID for a name: the object id of an app's service principal in a tenant. */
function stableGuid(name: string): string {
  const hex = createHash("sha256").update(name).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * An app-only access token in the v2.0 shape, for a resource whose app registration asks for v2
 * tokens (the SaaS Fulfillment API): `aud` is the resource's application id, `azp` the caller.
 * `appid` is the v1 name of `azp`, kept too so a check written either way finds the caller.
 */
export function appAccessTokenClaimsV2(input: {
  issuerBase: string;
  clientId: string;
  tenantId: string;
  resource: string;
  roles?: string[];
}) {
  const now = Math.floor(Date.now() / 1000);
  const oid = stableGuid(`${input.tenantId}|${input.clientId}`);
  return {
    aud: input.resource,
    iss: `${input.issuerBase}/${input.tenantId}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + TOKEN_LIFETIME_S,
    aio: randomBytes(24).toString("base64url"),
    azp: input.clientId,
    azpacr: "1",
    appid: input.clientId,
    idtyp: "app",
    oid,
    rh: "0.emulator",
    ...(input.roles?.length ? { roles: input.roles } : {}),
    sub: oid,
    tid: input.tenantId,
    uti: randomBytes(16).toString("base64url"),
    ver: "2.0",
  };
}

/**
 * The same app-only token in the v1.0 shape, for a resource whose registration keeps v1 tokens:
 * issued by https://sts.windows.net/<tenant>/, the caller in `appid` only (v1 has no `azp`).
 */
export function appAccessTokenClaimsV1(input: Parameters<typeof appAccessTokenClaimsV2>[0]) {
  const claims: Record<string, unknown> = appAccessTokenClaimsV2(input);
  delete claims.azp;
  delete claims.azpacr;
  const issuer = `https://sts.windows.net/${input.tenantId}/`;
  return { ...claims, iss: issuer, idp: issuer, appidacr: "1", ver: "1.0" };
}

type Claims = Record<string, unknown>;

/** Signs an ID token, bent by `misbehaviour` when a test asked for one. */
export async function signIdToken(
  keys: SigningKeys,
  claims: Claims,
  misbehaviour: Misbehaviour | undefined,
  accessToken: () => Promise<string>,
): Promise<string> {
  const bent: Claims = { ...claims };
  const now = Math.floor(Date.now() / 1000);
  const tid = String(claims.tid);
  const issuerBase = String(claims.iss).replace(/\/[^/]+\/v2\.0$/, "");
  switch (misbehaviour) {
    case "wrong-iss":
      bent.iss = `https://issuer.invalid/${tid}/v2.0`;
      break;
    case "iss-tid-mismatch":
      bent.iss = `${issuerBase}/${randomUUID()}/v2.0`;
      break;
    case "templated-iss":
      bent.iss = `${issuerBase}/{tenantid}/v2.0`;
      break;
    case "tid-not-guid":
      bent.tid = "contoso.onmicrosoft.com";
      bent.iss = `${issuerBase}/contoso.onmicrosoft.com/v2.0`;
      break;
    case "wrong-aud":
      bent.aud = randomUUID();
      break;
    case "extra-aud":
      bent.aud = [String(claims.aud), randomUUID()];
      break;
    case "wrong-azp":
      bent.azp = randomUUID();
      break;
    case "expired":
      bent.iat = now - 2 * TOKEN_LIFETIME_S;
      bent.nbf = now - 2 * TOKEN_LIFETIME_S;
      bent.exp = now - TOKEN_LIFETIME_S;
      break;
    case "not-yet-valid":
      bent.nbf = now + TOKEN_LIFETIME_S;
      bent.iat = now + TOKEN_LIFETIME_S;
      break;
    case "missing-exp":
      delete bent.exp;
      break;
    case "missing-iat":
      delete bent.iat;
      break;
    case "stale-iat":
      bent.iat = now - 7 * 24 * 3600;
      break;
    case "missing-sub":
      delete bent.sub;
      break;
    case "missing-nonce":
      delete bent.nonce;
      break;
    case "wrong-nonce":
      bent.nonce = randomBytes(16).toString("base64url");
      break;
    case "access-token-as-id-token":
      return accessToken();
  }
  return signWithMisbehaviour(keys, bent, misbehaviour);
}

/** The misbehaviours of the signature itself: the claims are signed as given, the JWS is bent. */
export type SignatureMisbehaviour = Extract<
  Misbehaviour,
  "bad-signature" | "alg-none" | "hs256-public-key" | "jku-header" | "x5u-header" | "jwk-header" | "unknown-kid"
>;

/** Signs `bent` with the active key, or bends the signature as `misbehaviour` asks. */
export async function signWithMisbehaviour(
  keys: SigningKeys,
  bent: Claims,
  misbehaviour: Misbehaviour | undefined,
): Promise<string> {
  switch (misbehaviour) {
    case "bad-signature": {
      const [header, payload, signature] = (await keys.sign(bent)).split(".");
      const bytes = base64url.decode(signature!);
      bytes[0] = (bytes[0] ?? 0) ^ 0xff;
      return `${header}.${payload}.${base64url.encode(bytes)}`;
    }
    case "alg-none": {
      const header = base64url.encode(JSON.stringify({ typ: "JWT", alg: "none" }));
      return `${header}.${base64url.encode(JSON.stringify(bent))}.`;
    }
    case "hs256-public-key": {
      // The classic confusion attack: HMAC keyed with the published RSA public key.
      const jwk = keys.activePublicJwk();
      const header = base64url.encode(JSON.stringify({ typ: "JWT", alg: "HS256", kid: jwk.kid }));
      const input = `${header}.${base64url.encode(JSON.stringify(bent))}`;
      const signature = createHmac("sha256", JSON.stringify(jwk)).update(input).digest("base64url");
      return `${input}.${signature}`;
    }
    case "jku-header":
      return keys.signWithUnpublishedKey(bent, { header: { jku: "https://attacker.invalid/keys" } });
    case "x5u-header":
      return keys.signWithUnpublishedKey(bent, { header: { x5u: "https://attacker.invalid/cert.pem" } });
    case "jwk-header":
      return keys.signWithUnpublishedKey(bent, { embedJwk: true });
    case "unknown-kid":
      return keys.signWithUnpublishedKey(bent);
    default:
      return keys.sign(bent);
  }
}
