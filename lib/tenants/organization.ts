// The organization's name and domains, from Microsoft Graph with an app-only token. Best effort:
// a trial never waits for it. When Entra answers that the app is no longer installed in the
// tenant, the tenant is marked consent-revoked and its people are told to have an admin sign up.
import type { Database } from "../db/client";
import { fetchOrganization } from "../entra/graph";
import { AppNotInstalledError, appTokenForTenant } from "../entra/msal";

export async function markConsentRevoked(prisma: Database, tid: string, code: string): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.tenant.updateMany({
      where: { id: tid, consentRevokedAt: null },
      data: { consentRevokedAt: new Date() },
    });
    if (count)
      await tx.auditEvent.create({
        data: { tenantId: tid, actor: "system", type: "tenant.consent_revoked", detail: { aadsts: code } },
      });
  });
}

export type OrganizationRefresh = "updated" | "not-allowed" | "revoked" | "failed";

export async function refreshOrganization(prisma: Database, tid: string): Promise<OrganizationRefresh> {
  try {
    const { accessToken } = await appTokenForTenant(tid);
    const organization = await fetchOrganization(accessToken);
    await prisma.tenant.update({
      where: { id: tid },
      data: { displayName: organization.displayName, primaryDomain: organization.defaultDomain },
    });
    return "updated";
  } catch (error) {
    if (error instanceof AppNotInstalledError) {
      await markConsentRevoked(prisma, tid, error.code);
      return "revoked";
    }
    // Without an admin's consent the app may not read the organization (403): not an error.
    const message = (error as Error).message;
    if (/ 403$/.test(message)) return "not-allowed";
    console.warn(`[entra] organization details for ${tid}: ${message}`);
    return "failed";
  }
}
