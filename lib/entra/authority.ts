// Where Microsoft Entra ID is: the authority host of the configured issuer, and the discovery
// document of any of its authorities (a tenant, /organizations, ...), fetched once an hour.
import { config } from "../config";
import { fetchWithDeadline } from "../deadline";
import { SettledCache } from "../settled-cache";

/** `https://login.microsoftonline.com` from `https://login.microsoftonline.com/common/v2.0`. */
export function authorityBase(issuer: string = config().entra.issuer): string {
  return issuer.replace(/\/[^/]+\/v2\.0\/?$/, "");
}

export type AuthorityMetadata = {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  end_session_endpoint?: string;
  /** The document as served, for MSAL's authorityMetadata. */
  raw: string;
};

// One entry per authority (tenant), bounded and kept an hour (../SECURITY.md "Every per-tenant
// structure kept in memory has a bound"); a lost entry costs one discovery request.
// Documents, not the promises that fetched them (lib/settled-cache.ts); a failure is not kept.
const cache = new SettledCache<AuthorityMetadata>({ max: 1_000, ttl: 60 * 60 * 1000 });

export function authorityMetadata(segment: string): Promise<AuthorityMetadata> {
  const url = `${authorityBase()}/${segment}/v2.0/.well-known/openid-configuration`;
  return cache.get(url, async () => {
    const response = await fetchWithDeadline(url, undefined, config().entra.lookupTimeoutMs);
    if (!response.ok) throw new Error(`discovery of ${segment} answered ${response.status}`);
    const raw = await response.text();
    return { ...(JSON.parse(raw) as Omit<AuthorityMetadata, "raw">), raw };
  });
}

/** What the webhook check needs of a tenant's v1 discovery document (the v1 issuer). */
export type V1AuthorityMetadata = {
  /** `https://sts.windows.net/<tid>/` for a tenant of the global cloud: the `iss` of v1 tokens. */
  issuer: string;
  jwks_uri: string;
};

// Same bound and lifetime as the v2 documents above; a lost entry costs one discovery request.
const v1Cache = new SettledCache<V1AuthorityMetadata>({ max: 1_000, ttl: 60 * 60 * 1000 });

/**
 * The v1 discovery document of an authority (no `v2.0` segment). Entra ID issues v1 access tokens
 * to apps whose manifest leaves accessTokenAcceptedVersion unset, with this document's issuer.
 */
export function v1AuthorityMetadata(segment: string): Promise<V1AuthorityMetadata> {
  const url = `${authorityBase()}/${segment}/.well-known/openid-configuration`;
  return v1Cache.get(url, async () => {
    const response = await fetchWithDeadline(url, undefined, config().entra.lookupTimeoutMs);
    if (!response.ok) throw new Error(`v1 discovery of ${segment} answered ${response.status}`);
    return (await response.json()) as V1AuthorityMetadata;
  });
}
