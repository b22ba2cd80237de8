// The organization's name and domains, from Microsoft Graph. Best effort: a trial never waits for
// it, and people never see "not known".
// - At an organization's first sign-in, with the person's own delegated token from that sign-in:
//   GET /organization needs only User.Read, which every user can consent to (Microsoft Graph
//   permissions reference, "Get organization": least privileged delegated permission User.Read).
//   If Graph refuses, the e-mail's domain stands in until an admin corrects it. No app-only token
//   is asked for there, so the request that creates a tenant never concludes a revocation.
// - After an admin sign-up, with an app-only token. Entra answering that the app is not installed
//   marks the tenant consent-revoked, but only when that persists through retries: right after a
//   consent, Entra answers AADSTS700016 for a few seconds while the new service principal
//   replicates, and that is not a removal.
import type { Database } from "../db/client";
import { fetchOrganization, type Organization } from "../entra/graph";
import {
  AppNotInstalledError,
  appTokenAllowingReplication,
  REPLICATION_RETRY_MS,
  ResourceDisabledError,
} from "../entra/msal";
import { markConsentRevoked } from "./lifecycle";

// A name an admin corrected in Settings (lib/tenants/settings.ts) stays: Graph does not overwrite it.
function saveDetails(prisma: Database, tid: string, details: Pick<Organization, "displayName" | "defaultDomain">) {
  return prisma.tenant.updateMany({
    where: { id: tid, displayNameCorrectedAt: null },
    data: { displayName: details.displayName, primaryDomain: details.defaultDomain },
  });
}

/** `contoso.com` from `megan@contoso.com`; nothing from what is not an address. */
export function emailDomain(email: string | undefined): string | null {
  const domain = email?.split("@")[1]?.toLowerCase();
  return domain && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain) ? domain : null;
}

/** At the first sign-in of an organization: Graph with the person's delegated token, else the e-mail's domain. */
export async function learnOrganizationAtSignIn(
  prisma: Database,
  tid: string,
  person: { accessToken?: string; email?: string },
): Promise<"graph" | "email-domain" | "unknown"> {
  if (person.accessToken) {
    try {
      const organization = await fetchOrganization(person.accessToken);
      if (organization.displayName) {
        await saveDetails(prisma, tid, organization);
        return "graph";
      }
    } catch (error) {
      console.warn(`[entra] organization details for ${tid} at sign-in: ${(error as Error).message}`);
    }
  }
  const domain = emailDomain(person.email);
  if (!domain) return "unknown";
  await saveDetails(prisma, tid, { displayName: domain, defaultDomain: domain });
  return "email-domain";
}

export type OrganizationRefresh = "updated" | "not-allowed" | "unavailable" | "revoked" | "failed";

/** With an app-only token (after an admin consent); concludes a revocation only when it persists. */
export async function refreshOrganization(
  prisma: Database,
  tid: string,
  { retryDelaysMs = REPLICATION_RETRY_MS }: { retryDelaysMs?: readonly number[] } = {},
): Promise<OrganizationRefresh> {
  try {
    const { accessToken } = await appTokenAllowingReplication(tid, retryDelaysMs);
    await saveDetails(prisma, tid, await fetchOrganization(accessToken));
    return "updated";
  } catch (error) {
    if (error instanceof AppNotInstalledError) {
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
