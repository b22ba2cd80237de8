// Who is calling the marketplace webhook (POST /api/marketplace/webhook), decided before anything
// in the call is read. Microsoft's rule ("Implementing a webhook on the SaaS service", SaaS
// fulfillment APIs v2): the call carries `Authorization: Bearer <JWT>` issued by Microsoft Entra ID
// in the publisher's tenant to the marketplace service, for the app of the offer's technical
// configuration; check the signature against that tenant's published keys, `tid`, `aud` and the
// caller (`azp` in v2 tokens, `appid` in v1). Token checks as in RFC 8725 (JWT Best Current
// Practices) and Microsoft identity platform "Access tokens: validate tokens".
//
// A valid token proves that the marketplace called, not what it says: the route still confirms
// the operation with Get Operation before acting on it.
//
// Every refusal is a WebhookUnauthorized with a short `reason`; the route answers 401 and logs the
// reason. Messages are fixed sentences: they never repeat the token nor any value read from it.
import {
  decodeProtectedHeader,
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type ProtectedHeaderParameters,
} from "jose";
import { LRUCache } from "lru-cache";
import { authorityMetadata, v1AuthorityMetadata } from "../entra/authority";
import type { MarketplaceConfig } from "./config";
import { MARKETPLACE_RESOURCE_ID } from "./publisher-token";
import { GUID } from "../guid";

/**
 * The marketplace service's application id: the caller of every webhook call (`azp` / `appid`),
 * the same app whose API the fulfillment client calls.
 */
export const MARKETPLACE_SERVICE_APP_ID = MARKETPLACE_RESOURCE_ID;

export type WebhookRefusal =
  /** No Authorization header, or not the Bearer scheme (RFC 6750 §2.1). */
  | "missing-bearer"
  /** Not one compact JWT of bounded size, a header or claims that do not parse, or no `exp`. */
  | "malformed"
  /** `alg` other than RS256: none, HS*, PS*, ES* ... (RFC 8725 §3.1). */
  | "algorithm"
  /** The header names a key (jwk, jku, x5u, x5c): never used, so refused outright (RFC 8725 §3.10). */
  | "embedded-key"
  /** No key of the publisher tenant's key set has the token's `kid`. */
  | "unknown-key"
  /** Signed, but not by the key its `kid` names. */
  | "signature"
  /** The publisher tenant's discovery documents or key set could not be read. */
  | "keys-unavailable"
  | "expired"
  | "not-yet-valid"
  /** `iss` is not exactly the publisher tenant's v1 or v2 issuer (or `ver` disagrees with it). */
  | "issuer"
  /** `tid` is not the publisher tenant. */
  | "tenant"
  /** `aud` is not the fulfillment app alone. */
  | "audience"
  /** The calling app (`azp` / `appid`) is not the marketplace service. */
  | "caller";

export class WebhookUnauthorized extends Error {
  constructor(
    readonly reason: WebhookRefusal,
    detail: string,
  ) {
    super(`Marketplace webhook call refused (${reason}): ${detail}`);
    this.name = "WebhookUnauthorized";
  }
}

export type WebhookTrust = {
  /** The publisher's Microsoft Entra tenant (technical configuration). */
  publisherTenantId: string;
  /** The fulfillment app (technical configuration's "Microsoft Entra application ID"): the `aud`. */
  fulfillmentClientId: string;
  /** The publisher tenant's issuers, from its discovery documents. */
  issuers: { v1: string; v2: string };
  /** The publisher tenant's published keys: the only keys a token is checked with. */
  keys: JWTVerifyGetKey;
  /** Allowed difference between our clock and Entra ID's, for `exp` and `nbf`; 60 by default. */
  clockToleranceSeconds?: number;
};

/** Who called, once proven. Nothing secret: safe to log. */
export type WebhookCaller = {
  /** The token version (`ver`), which decided the issuer and caller claims checked. */
  version: "1.0" | "2.0";
  /** The publisher tenant (lowercase). */
  tenantId: string;
  /** The calling app: always the marketplace service (lowercase). */
  appId: string;
  issuedAt?: Date;
};

const DEFAULT_CLOCK_TOLERANCE_S = 60;
/** Entra access tokens are a few KB; anything much larger is refused before it is parsed. */
const MAX_AUTHORIZATION_CHARS = 16 * 1024;
/** One compact JWS: three base64url parts (the last empty only for alg "none", refused below). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const KEY_HEADERS = ["jwk", "jku", "x5u", "x5c"] as const;

function refuse(reason: WebhookRefusal, detail: string): WebhookUnauthorized {
  return new WebhookUnauthorized(reason, detail);
}

function sameGuid(value: unknown, expected: string): value is string {
  return typeof value === "string" && GUID.test(value) && value.toLowerCase() === expected.toLowerCase();
}

/** Whether an issuer URL has the tenant id as one of its path segments. */
function issuerNamesTenant(issuer: string, tenantId: string): boolean {
  if (!URL.canParse(issuer)) return false;
  return new URL(issuer).pathname.split("/").some((segment) => segment.toLowerCase() === tenantId.toLowerCase());
}

/** The token of `Authorization: Bearer <token>` (RFC 6750 §2.1: scheme case-insensitive, one token). */
function bearerToken(authorization: string | null): string {
  if (!authorization) throw refuse("missing-bearer", "no Authorization header");
  if (authorization.length > MAX_AUTHORIZATION_CHARS) {
    throw refuse("malformed", "the Authorization header is larger than any Entra ID token");
  }
  const match = /^Bearer +(.*)$/is.exec(authorization.trim());
  if (!match) throw refuse("missing-bearer", "the Authorization header is not a Bearer token");
  const token = match[1]!;
  if (!token) throw refuse("missing-bearer", "the Authorization header has the Bearer scheme but no token");
  if (!COMPACT_JWS.test(token)) throw refuse("malformed", "the bearer token is not one compact JWT");
  return token;
}

/**
 * The trusted key set, with its failures told apart: "no key has this kid" is the token's fault;
 * anything else (timeout, error answer, unusable key set) is ours, and the call is refused as
 * keys-unavailable rather than blamed on the token.
 */
function publishedKeys(keys: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await keys(header, token);
    } catch (error) {
      if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) {
        throw error;
      }
      const code = error instanceof joseErrors.JOSEError ? error.code : (error as Error)?.name;
      throw refuse("keys-unavailable", `the publisher tenant's key set could not be read (${code ?? "unknown"})`);
    }
  };
}

/** jose's errors as refusals. Only jose's codes and claim names are kept, never its messages. */
function refusalOf(error: unknown): WebhookUnauthorized {
  if (error instanceof WebhookUnauthorized) return error;
  if (error instanceof joseErrors.JWKSNoMatchingKey) {
    return refuse("unknown-key", "no published key of the publisher tenant has the token's kid");
  }
  if (error instanceof joseErrors.JWKSMultipleMatchingKeys) {
    return refuse("unknown-key", "several published keys of the publisher tenant match the token's kid");
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return refuse("signature", "the signature is not that of the publisher tenant's key");
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported) {
    return refuse("algorithm", "the algorithm is not RS256");
  }
  if (error instanceof joseErrors.JWTExpired) return refuse("expired", "exp is past");
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === "nbf" && error.reason === "check_failed") {
      return refuse("not-yet-valid", "nbf is in the future");
    }
    if (error.claim === "exp" && error.reason === "missing") {
      return refuse("malformed", "the token has no exp (a token that never expires is refused)");
    }
    return refuse("malformed", `the ${error.claim} claim is not a NumericDate`);
  }
  if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid) {
    return refuse("malformed", `the token does not parse (${error.code})`);
  }
  return refuse("signature", "the signature could not be checked with the publisher tenant's keys");
}

/**
 * Authenticates a webhook call from its Authorization header: the marketplace service's token for
 * the fulfillment app, issued and signed by the publisher tenant. Throws WebhookUnauthorized.
 */
export async function verifyWebhookToken(authorization: string | null, trust: WebhookTrust): Promise<WebhookCaller> {
  const token = bearerToken(authorization);

  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw refuse("malformed", "the token's header does not parse");
  }
  // Entra ID signs access tokens with RS256 only: anything else (none, HS256 keyed with the public
  // key, PS*, ES* ...) is refused before a key is looked up (RFC 8725 §3.1).
  if (header.alg !== "RS256") throw refuse("algorithm", "the algorithm is not RS256");
  // A key named in the token is never used: it would let the sender choose the key that checks
  // their own signature (jwk, x5c) or make us fetch one from their address (jku, x5u; RFC 8725
  // §3.10). Entra ID sends none of them, so a token carrying one is refused outright.
  for (const name of KEY_HEADERS) {
    if (Object.hasOwn(header, name)) throw refuse("embedded-key", `the token's header names a key (${name})`);
  }

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, publishedKeys(trust.keys), {
      algorithms: ["RS256"],
      clockTolerance: trust.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_S,
      // A token without exp would be valid forever.
      requiredClaims: ["exp"],
    }));
  } catch (error) {
    throw refusalOf(error);
  }

  // Exactly one of the publisher tenant's two issuers: Entra ID gives v1 or v2 access tokens
  // depending on the fulfillment app's manifest (accessTokenAcceptedVersion), and `ver` says which.
  const version = payload.iss === trust.issuers.v2 ? "2.0" : payload.iss === trust.issuers.v1 ? "1.0" : null;
  if (!version) throw refuse("issuer", "iss is neither the publisher tenant's v1 nor its v2 issuer");
  if (payload.ver !== version) throw refuse("issuer", "ver is not the version of the token's issuer");

  if (!sameGuid(payload.tid, trust.publisherTenantId)) throw refuse("tenant", "tid is not the publisher tenant");
  if (!issuerNamesTenant(payload.iss!, payload.tid)) throw refuse("issuer", "the issuer is not the tenant of tid");

  // Entra ID gives `aud` as one string; an array (even of the fulfillment app alone) is not its token.
  if (!sameGuid(payload.aud, trust.fulfillmentClientId)) {
    throw refuse("audience", "aud is not the fulfillment app alone");
  }

  // The calling app is `azp` in v2 tokens and `appid` in v1; a token carrying both must agree.
  const [callerClaim, otherClaim] = version === "2.0" ? ["azp", "appid"] : ["appid", "azp"];
  const caller = payload[callerClaim];
  if (!sameGuid(caller, MARKETPLACE_SERVICE_APP_ID)) {
    throw refuse("caller", `${callerClaim} is not the marketplace service`);
  }
  if (payload[otherClaim] !== undefined && !sameGuid(payload[otherClaim], MARKETPLACE_SERVICE_APP_ID)) {
    throw refuse("caller", `${otherClaim} is not the marketplace service`);
  }

  return {
    version,
    tenantId: payload.tid.toLowerCase(),
    appId: caller.toLowerCase(),
    issuedAt: typeof payload.iat === "number" ? new Date(payload.iat * 1000) : undefined,
  };
}

// One key set per publisher tenant (normally a single one), bounded like every per-tenant
// structure kept in memory. Key rotation needs nothing here: jose fetches the set again when a
// token names a kid it does not hold, at most once per cooldown (30 s), and every hour anyway.
const keySets = new LRUCache<string, { jwksUri: string; keys: JWTVerifyGetKey }>({ max: 16 });

function publisherKeySet(tenantId: string, jwksUri: string): JWTVerifyGetKey {
  const held = keySets.get(tenantId);
  if (held?.jwksUri === jwksUri) return held.keys;
  const keys = createRemoteJWKSet(new URL(jwksUri), {
    timeoutDuration: 5_000,
    cooldownDuration: 30_000,
    cacheMaxAge: 60 * 60_000,
  });
  keySets.set(tenantId, { jwksUri, keys });
  return keys;
}

/**
 * The production trust for the configured publisher tenant: its issuers from its v2 and v1
 * discovery documents, its keys from the v2 document's jwks_uri. Throws WebhookUnauthorized
 * (keys-unavailable) when they cannot be read: the call is refused, and Microsoft retries it.
 */
export async function webhookTrust(settings: MarketplaceConfig): Promise<WebhookTrust> {
  const tenantId = settings.tenantId.toLowerCase();
  let v2: Awaited<ReturnType<typeof authorityMetadata>>;
  let v1: Awaited<ReturnType<typeof v1AuthorityMetadata>>;
  try {
    [v2, v1] = await Promise.all([authorityMetadata(tenantId), v1AuthorityMetadata(tenantId)]);
  } catch (error) {
    throw refuse("keys-unavailable", `the publisher tenant's discovery failed (${(error as Error)?.message})`);
  }
  // Documents that name another tenant (or the {tenantid} template of /common) are not the
  // publisher tenant's: no token could rightly match them.
  for (const issuer of [v2.issuer, v1.issuer]) {
    if (typeof issuer !== "string" || !issuerNamesTenant(issuer, tenantId)) {
      throw refuse("keys-unavailable", "a discovery document's issuer is not the publisher tenant's");
    }
  }
  if (typeof v2.jwks_uri !== "string" || !URL.canParse(v2.jwks_uri) || new URL(v2.jwks_uri).protocol !== "https:") {
    throw refuse("keys-unavailable", "the publisher tenant's key set is not served over https");
  }
  return {
    publisherTenantId: tenantId,
    fulfillmentClientId: settings.clientId.toLowerCase(),
    issuers: { v1: v1.issuer, v2: v2.issuer },
    keys: publisherKeySet(tenantId, v2.jwks_uri),
  };
}
