// The organization's name and domains, from Microsoft Graph with an app-only token. Best effort:
// a trial never waits for it. Entra answering that the app is not installed in the tenant marks
// it consent-revoked (its people are told to have an admin sign up), but only when that persists:
// right after the consent that created the tenant, Entra answers AADSTS700016 for a few seconds
// while the new service principal replicates, and that is not a removal.
import type { Database } from "../db/client";
import { fetchOrganization } from "../entra/graph";
import {
  AppNotInstalledError,
  appTokenAllowingReplication,
  appTokenForTenant,
  REPLICATION_RETRY_MS,
  ResourceDisabledError,
} from "../entra/msal";
import { markConsentRevoked } from "./lifecycle";

export type OrganizationRefresh =
  "updated" | "not-allowed" | "not-installed-yet" | "unavailable" | "revoked" | "failed";

export type RefreshOptions = {
  /** This request created the tenant: never conclude a revocation from it. */
  newTenant?: boolean;
  /** Backoff before "not installed" counts as a revocation. */
  retryDelaysMs?: readonly number[];
};

export async function refreshOrganization(
  prisma: Database,
  tid: string,
  { newTenant = false, retryDelaysMs = REPLICATION_RETRY_MS }: RefreshOptions = {},
): Promise<OrganizationRefresh> {
  try {
    const { accessToken } = newTenant
      ? await appTokenForTenant(tid)
      : await appTokenAllowingReplication(tid, retryDelaysMs);
    const organization = await fetchOrganization(accessToken);
    await prisma.tenant.update({
      where: { id: tid },
      data: { displayName: organization.displayName, primaryDomain: organization.defaultDomain },
    });
    return "updated";
  } catch (error) {
    if (error instanceof AppNotInstalledError) {
      if (newTenant) return "not-installed-yet";
      await markConsentRevoked(prisma, tid, error.code);
      return "revoked";
    }
    // AADSTS500014: Microsoft Graph is disabled in the tenant; the app is still installed.
    if (error instanceof ResourceDisabledError) return "unavailable";
    // Without an admin's consent the app may not read the organization (403): not an error.
    const message = (error as Error).message;
    if (/ 403$/.test(message)) return "not-allowed";
    console.warn(`[entra] organization details for ${tid}: ${message}`);
    return "failed";
  }
}
