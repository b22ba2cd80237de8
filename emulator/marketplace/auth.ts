// Who calls the fulfillment API: the bearer token must be one the emulator's Entra face issued
// for the marketplace API (signature, audience, issuer of a known tenant, lifetime), else 401;
// and its app (azp, or appid) in its tenant (tid) must be the fulfillment app of a technical
// configuration, else 403. The publisher named there is the caller: it sees its offers only.
import { decodeProtectedHeader, errors, importJWK, jwtVerify, type JWTPayload } from "jose";
import { MARKETPLACE_RESOURCE_ID } from "../tokens";
import { refuse } from "./errors";
import type { Marketplace } from "./state";

export type Caller = { tenantId: string; clientId: string; publisherId: string };

/** Why a bearer token is refused (401), named as lib/auth/id-token.ts names its refusals. */
type Refusal = "missing" | "malformed" | "unknown-key" | "signature" | "audience" | "expired" | "issuer" | "caller";

const explanations: Record<Refusal, string> = {
  missing: "The Authorization header with a bearer token is required.",
  malformed: "The bearer token is not a signed JWT.",
  "unknown-key": "The bearer token is signed with a key the issuer does not publish.",
  signature: "The bearer token's signature is not valid.",
  audience: `The bearer token is not for the marketplace API (aud must be ${MARKETPLACE_RESOURCE_ID}).`,
  expired: "The bearer token has expired or is not valid yet.",
  issuer: "The bearer token's issuer is not the Microsoft Entra ID tenant it names (tid).",
  caller: "The bearer token names no calling application (azp).",
};

class Refused extends Error {
  constructor(readonly reason: Refusal) {
    super(reason);
  }
}

async function verified(marketplace: Marketplace, token: string): Promise<JWTPayload> {
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== "RS256") throw new Refused("malformed");
    kid = header.kid;
  } catch {
    throw new Refused("malformed");
  }
  const jwk = marketplace.entra.keys.publicJwk(kid);
  if (!jwk) throw new Refused("unknown-key");
  try {
    const { payload } = await jwtVerify(token, await importJWK(jwk, "RS256"), {
      algorithms: ["RS256"],
      audience: MARKETPLACE_RESOURCE_ID,
      requiredClaims: ["exp", "tid", "iss"],
    });
    return payload;
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new Refused("expired");
    if (error instanceof errors.JWTClaimValidationFailed)
      throw new Refused(error.claim === "aud" ? "audience" : error.claim === "nbf" ? "expired" : "malformed");
    throw new Refused("signature");
  }
}

/** The publisher calling, from the request's Authorization header; throws 401 or 403. */
export async function authenticatePublisher(
  marketplace: Marketplace,
  authorization: string | undefined,
): Promise<Caller> {
  const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  let claims: JWTPayload;
  try {
    if (!token) throw new Refused("missing");
    claims = await verified(marketplace, token);
    const tid = String(claims.tid);
    if (!marketplace.entra.directory.tenants.has(tid) || claims.iss !== `${marketplace.entra.backUrl}/${tid}/v2.0`)
      throw new Refused("issuer");
    if (typeof (claims.azp ?? claims.appid) !== "string") throw new Refused("caller");
  } catch (error) {
    if (error instanceof Refused) throw refuse.unauthorized(explanations[error.reason]);
    throw error;
  }
  const tenantId = String(claims.tid);
  const clientId = String(claims.azp ?? claims.appid);
  const publisherId = marketplace.publisherOf(tenantId, clientId);
  if (!publisherId) {
    throw refuse.forbidden(
      `The application ${clientId} of tenant ${tenantId} is not the fulfillment application of any offer's technical configuration.`,
    );
  }
  return { tenantId, clientId, publisherId };
}
