// Our own check of the ID token, on top of Auth.js's. Auth.js (for this provider) checks iss,
// aud, times and nonce, but not the signature, and accepts any `tid`. A valid Microsoft token is
// still not permission: this proves who the person is; the tenant table decides the rest.
// Rules: OpenID Connect Core §3.1.3.7; Microsoft identity platform, "Validate tokens" for
// multi-tenant apps (issuer built from the token's own tid); ../SECURITY.md "Tokens".
import {
  createRemoteJWKSet,
  customFetch,
  decodeJwt,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyOptions,
} from "jose";
import { DeadlineExceeded, fetchWithDeadline, fetchWithin } from "../deadline";
import { GUID } from "../guid";
import { SettledCache } from "../settled-cache";

export const PERSONAL_ACCOUNTS_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad";
/** Allowed difference between our clock and the identity provider's (seconds). */
const CLOCK_SKEW_S = 120;
/** An ID token is redeemed right after it is issued; an old `iat` is a replay. */
const MAX_TOKEN_AGE_S = 15 * 60;

export type IdTokenFailure =
  | "malformed"
  | "algorithm"
  | "key-in-header"
  | "tenant"
  | "issuer"
  | "audience"
  | "authorized-party"
  | "signature"
  | "unknown-key"
  | "expired"
  | "not-yet-valid"
  | "too-old"
  | "missing-claim"
  | "key-set-unavailable";

export class IdTokenError extends Error {
  constructor(
    readonly reason: IdTokenFailure,
    detail: string,
  ) {
    super(`ID token refused (${reason}): ${detail}`);
    this.name = "IdTokenError";
  }
}

export type EntraIdentity = {
  tid: string;
  oid: string;
  sub: string;
  name?: string;
  /** Display only: `email`, else `preferred_username`. Never used to find anyone. */
  email?: string;
  /** Directory role template ids (`wids`). */
  roles: string[];
  personal: boolean;
  claims: JWTPayload;
};

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/**
 * Keys come only from the tenant's own published key set, found through the tenant's own
 * discovery document (never from the token: jku, x5u and jwk headers are refused).
 */
export class TenantKeySets {
  // One key set per tenant that signed someone in, bounded (../SECURITY.md "Every per-tenant
  // structure kept in memory has a bound"): the least recently used goes, and is fetched again.
  // Sets, not the promises that fetched them: lib/settled-cache.ts.
  private readonly sets: SettledCache<KeySet>;
  // When each set was last fetched for a kid it lacked (fetchForMissingKid); goes with the set.
  private readonly missingKidFetches = new WeakMap<KeySet, number>();

  constructor(
    private readonly authorityBase: string,
    /** Re-fetches of a tenant's key set for a kid it lacks: at most one per this long (a flood of bogus kids cannot hammer the authority). */
    private readonly cooldownMs = 30_000,
    maxTenants = 1_000,
    /** Each fetch of a discovery document or a key set gives up after this long. */
    private readonly timeoutMs = 5_000,
  ) {
    this.sets = new SettledCache({ max: maxTenants });
  }

  /** How many tenants' key sets are held now. */
  get size(): number {
    return this.sets.size;
  }

  keySet(tid: string): Promise<KeySet> {
    // A failed discovery is not kept: the next sign-in of the tenant discovers again.
    return this.sets.get(tid, () => this.discover(tid));
  }

  /**
   * Verifies `idToken` with the tenant's keys. A kid the set lacks is looked up again at most once
   * (../SECURITY.md "Tokens": unknown kid, re-fetch the key set once, with a cooldown, then refuse).
   */
  async verify(tid: string, idToken: string, options: JWTVerifyOptions): Promise<JWTPayload> {
    const set = await this.keySet(tid);
    // jose fetches the set again for a kid it lacks only once its cooldown since the set's LAST
    // fetch has passed, whatever that fetch was for: a key rotated just after someone signed in
    // would be refused for up to the whole cooldown. Ours counts from the last fetch made FOR a
    // missing kid, and forces the fetch where jose will not.
    const joseFetches = !set.coolingDown;
    try {
      return (await jwtVerify(idToken, set, options)).payload;
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error;
      if (!(await this.fetchForMissingKid(tid, set, joseFetches))) throw error;
      return (await jwtVerify(idToken, set, options)).payload;
    }
  }

  /**
   * After a kid `set` lacks: true when the set was fetched again for it (verify once more). At
   * most one such fetch per tenant per cooldown, counted from the last one, failed or not: a
   * stream of bogus kids costs the authority one fetch per tenant per cooldown. A fetch already
   * under way is joined, at no cost.
   */
  private async fetchForMissingKid(tid: string, set: KeySet, joseFetched: boolean): Promise<boolean> {
    if (joseFetched) {
      this.missingKidFetches.set(set, Date.now()); // jose fetched during this verification
      return false;
    }
    if (set.reloading) {
      await set.reload();
      return true;
    }
    const last = this.missingKidFetches.get(set);
    if (last !== undefined && Date.now() - last < this.cooldownMs) return false;
    this.missingKidFetches.set(set, Date.now());
    console.info(`[auth] a signing key not in tenant ${tid}'s key set: fetching the set again (a key rotation?)`);
    await set.reload();
    return true;
  }

  private async discover(tid: string): Promise<KeySet> {
    const issuer = `${this.authorityBase}/${tid}/v2.0`;
    let metadata: { issuer?: unknown; jwks_uri?: unknown } | null;
    try {
      const response = await fetchWithDeadline(`${issuer}/.well-known/openid-configuration`, undefined, this.timeoutMs);
      if (!response.ok) {
        await response.body?.cancel();
        throw new IdTokenError("key-set-unavailable", `discovery answered ${response.status}`);
      }
      metadata = (await response.json()) as typeof metadata;
    } catch (error) {
      if (error instanceof IdTokenError) throw error;
      const why =
        (error as Error).name === "TimeoutError"
          ? `no answer within ${this.timeoutMs} ms`
          : error instanceof SyntaxError
            ? "not JSON"
            : (error as Error).message;
      throw new IdTokenError("key-set-unavailable", `the tenant's discovery document: ${why}`);
    }
    if (metadata?.issuer !== issuer || typeof metadata.jwks_uri !== "string") {
      throw new IdTokenError("key-set-unavailable", "the tenant's discovery document does not match its issuer");
    }
    const jwksUri = URL.parse(metadata.jwks_uri);
    if (jwksUri?.protocol !== "https:") throw new IdTokenError("key-set-unavailable", "key set not served over https");
    // A failed fetch of the set is not kept either: jose fetches again at the next verification.
    return createRemoteJWKSet(jwksUri, {
      [customFetch]: fetchWithin(this.timeoutMs),
      cooldownDuration: this.cooldownMs,
      cacheMaxAge: 10 * 60_000,
      // Our deadline (the custom fetch) ends the wait and says so; jose's own timer, which it
      // always sets, only backs it up.
      timeoutDuration: this.timeoutMs * 2,
    });
  }
}

/**
 * Verifies an Entra ID v2.0 ID token: signature with the tenant's keys, `iss` exactly
 * `<authority base>/<tid>/v2.0` for its own GUID `tid`, `aud` (and `azp`) our client id only,
 * times, and the claims the app relies on.
 */
export async function verifyEntraIdToken(
  idToken: string,
  options: { clientId: string; authorityBase: string; keySets: TenantKeySets; now?: Date },
): Promise<EntraIdentity> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let unverified: JWTPayload;
  try {
    header = decodeProtectedHeader(idToken);
    unverified = decodeJwt(idToken);
  } catch {
    throw new IdTokenError("malformed", "not a JWT");
  }
  if (header.alg !== "RS256") throw new IdTokenError("algorithm", `alg ${String(header.alg)}`);
  for (const name of ["jku", "x5u", "jwk", "x5c"] as const) {
    if (name in header) throw new IdTokenError("key-in-header", `${name} header`);
  }
  const tid = unverified.tid;
  if (typeof tid !== "string" || !GUID.test(tid)) throw new IdTokenError("tenant", "tid is not a GUID");
  const issuer = `${options.authorityBase}/${tid}/v2.0`;
  if (unverified.iss !== issuer) throw new IdTokenError("issuer", "iss is not the issuer of the token's own tenant");
  if (typeof unverified.aud !== "string" || unverified.aud !== options.clientId) {
    throw new IdTokenError("audience", "aud is not this app alone");
  }
  if (unverified.azp !== undefined && unverified.azp !== options.clientId) {
    throw new IdTokenError("authorized-party", "azp is another app");
  }

  let payload: JWTPayload;
  try {
    payload = await options.keySets.verify(tid, idToken, {
      algorithms: ["RS256"],
      issuer,
      audience: options.clientId,
      clockTolerance: CLOCK_SKEW_S,
      maxTokenAge: MAX_TOKEN_AGE_S + CLOCK_SKEW_S,
      requiredClaims: ["exp", "iat", "sub", "oid", "tid", "nonce"],
      currentDate: options.now,
    });
  } catch (error) {
    throw toIdTokenError(error);
  }
  if (typeof payload.oid !== "string" || !GUID.test(payload.oid))
    throw new IdTokenError("missing-claim", "oid is not a GUID");

  const email = [payload.email, payload.preferred_username].find((value): value is string => typeof value === "string");
  return {
    tid,
    oid: payload.oid,
    sub: String(payload.sub),
    name: typeof payload.name === "string" ? payload.name : undefined,
    email,
    roles: Array.isArray(payload.wids) ? payload.wids.filter((role): role is string => typeof role === "string") : [],
    personal: tid === PERSONAL_ACCOUNTS_TENANT,
    claims: payload,
  };
}

function toIdTokenError(error: unknown): IdTokenError {
  if (error instanceof IdTokenError) return error;
  if (error instanceof joseErrors.JWKSNoMatchingKey)
    return new IdTokenError("unknown-key", "no published key has this kid");
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return new IdTokenError("signature", "bad signature");
  if (error instanceof joseErrors.JWTExpired) {
    // maxTokenAge: an `iat` too far in the past is reported as expiry of the token's age.
    return error.claim === "iat"
      ? new IdTokenError("too-old", "iat is too far in the past")
      : new IdTokenError("expired", "exp is past");
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.reason === "missing") return new IdTokenError("missing-claim", `${error.claim} missing`);
    if (error.claim === "nbf") return new IdTokenError("not-yet-valid", "nbf is in the future");
    if (error.claim === "iat") {
      return new IdTokenError(
        error.message.includes("too far in the past") ? "too-old" : "not-yet-valid",
        error.message,
      );
    }
    return new IdTokenError("missing-claim", error.message);
  }
  // The key set could not be had: no answer in time, not 200, not JSON, not a key set of public keys.
  if (
    error instanceof joseErrors.JWKSTimeout ||
    error instanceof joseErrors.JWKSInvalid ||
    (error instanceof joseErrors.JOSEError && error.code === joseErrors.JOSEError.code)
  ) {
    // jose's timeout carries ours (lib/deadline.ts) as its cause: "no answer within N ms".
    const why = error.cause instanceof DeadlineExceeded ? error.cause.message : error.message;
    return new IdTokenError("key-set-unavailable", `the tenant's key set: ${why}`);
  }
  if (error instanceof joseErrors.JOSEError) return new IdTokenError("signature", error.message);
  return new IdTokenError("key-set-unavailable", (error as Error).message);
}
