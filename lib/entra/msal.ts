// App-only tokens through @azure/msal-node, always from the tenant's own authority
// (https://<authority host>/<tid>), never /common: a /common request misses the tenant's cache.
import { ConfidentialClientApplication } from "@azure/msal-node";
import { decodeJwt } from "jose";
import { LRUCache } from "lru-cache";
import { config } from "../config";
import { db } from "../db/client";
import { authorityBase, authorityMetadata } from "./authority";
import { databaseCachePlugin } from "./token-cache";

export const GRAPH_DEFAULT_SCOPE = "https://graph.microsoft.com/.default";

/** Entra's answers meaning "the app is not (or no longer) installed in this tenant". */
const NOT_INSTALLED = /AADSTS(700016|7000229)\b/;
/** AADSTS500014: the resource (Microsoft Graph) is disabled in the tenant; the app is still there. */
const RESOURCE_DISABLED = /AADSTS(500014)\b/;

export class AppNotInstalledError extends Error {
  constructor(
    readonly tenantId: string,
    readonly code: string,
  ) {
    super(`The app is not installed in tenant ${tenantId} (AADSTS${code}).`);
    this.name = "AppNotInstalledError";
  }
}

/** The tenant turned the resource off: organization details are unavailable, nothing is revoked. */
export class ResourceDisabledError extends Error {
  constructor(
    readonly tenantId: string,
    readonly code: string,
  ) {
    super(`Microsoft Graph is disabled in tenant ${tenantId} (AADSTS${code}).`);
    this.name = "ResourceDisabledError";
  }
}

// One client per tenant, bounded: the least recently used go first (../SECURITY.md "Every
// per-tenant structure kept in memory has a bound"). Losing one costs a rebuild; its tokens are
// in the database cache.
const clients = new LRUCache<string, ConfidentialClientApplication>({ max: 500 });

async function clientFor(tid: string): Promise<ConfidentialClientApplication> {
  let client = clients.get(tid);
  if (!client) {
    const { entra, tokenCacheKey } = config();
    const authority = `${authorityBase()}/${tid}`;
    const host = new URL(authority).host;
    client = new ConfidentialClientApplication({
      auth: {
        clientId: entra.clientId,
        clientSecret: entra.clientSecret,
        authority,
        // The discovery documents we already read: no instance discovery round trip (and none
        // that a machine without internet access could not make).
        knownAuthorities: [host],
        authorityMetadata: (await authorityMetadata(tid)).raw,
        cloudDiscoveryMetadata: JSON.stringify({
          tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
          "api-version": "1.1",
          metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
        }),
      },
      cache: { cachePlugin: databaseCachePlugin(db, `app:${tid}`, tokenCacheKey) },
    });
    clients.set(tid, client);
  }
  return client;
}

/**
 * An app-only Microsoft Graph token for `tid`, proving the app is installed there: its `tid`
 * must be that tenant. Throws AppNotInstalledError when Entra says it is not, and
 * ResourceDisabledError when the tenant turned Microsoft Graph off. `fresh` asks Entra itself,
 * past the cache: a token cached before an admin consent does not show the roles it granted.
 */
export async function appTokenForTenant(
  tid: string,
  { fresh = false }: { fresh?: boolean } = {},
): Promise<{ accessToken: string; tid: string; roles: string[] }> {
  try {
    const result = await (
      await clientFor(tid)
    ).acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT_SCOPE], skipCache: fresh });
    if (!result?.accessToken) throw new Error("no token in the answer");
    const claims = decodeJwt(result.accessToken);
    if (claims.tid !== tid) throw new Error("the token is for another tenant");
    return { accessToken: result.accessToken, tid, roles: Array.isArray(claims.roles) ? claims.roles.map(String) : [] };
  } catch (error) {
    const message = String(
      (error as { errorMessage?: string; message?: string }).errorMessage ?? (error as Error).message,
    );
    const notInstalled = message.match(NOT_INSTALLED)?.[1];
    if (notInstalled) throw new AppNotInstalledError(tid, notInstalled);
    const disabled = message.match(RESOURCE_DISABLED)?.[1];
    if (disabled) throw new ResourceDisabledError(tid, disabled);
    throw error;
  }
}

/** Backoff while a new service principal replicates through Entra (seconds, in practice). */
export const REPLICATION_RETRY_MS = [1_000, 2_000, 4_000];

/**
 * appTokenForTenant() right after a consent: Entra may answer AADSTS700016 for a few seconds while
 * the new service principal replicates, so "not installed" counts only when it persists.
 */
export async function appTokenAllowingReplication(
  tid: string,
  delaysMs: readonly number[] = REPLICATION_RETRY_MS,
  options: { fresh?: boolean } = {},
) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await appTokenForTenant(tid, options);
    } catch (error) {
      if (!(error instanceof AppNotInstalledError) || attempt >= delaysMs.length) throw error;
      await new Promise((resolve) => setTimeout(resolve, delaysMs[attempt]));
    }
  }
}
