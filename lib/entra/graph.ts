// The little of Microsoft Graph the app needs: the organization's name and verified domains.
import { config } from "../config";
import { fetchWithDeadline } from "../deadline";

export type Organization = { displayName: string | null; defaultDomain: string | null; domains: string[] };

export async function fetchOrganization(accessToken: string): Promise<Organization> {
  const response = await fetchWithDeadline(
    `${config().graphUrl}/v1.0/organization`,
    { headers: { authorization: `Bearer ${accessToken}` } },
    config().entra.lookupTimeoutMs,
  );
  if (!response.ok) throw new Error(`Microsoft Graph /organization answered ${response.status}`);
  const body = (await response.json()) as {
    value?: { displayName?: string; verifiedDomains?: { name: string; isDefault?: boolean }[] }[];
  };
  const organization = body.value?.[0];
  const domains = organization?.verifiedDomains ?? [];
  return {
    displayName: organization?.displayName ?? null,
    defaultDomain: domains.find((domain) => domain.isDefault)?.name ?? domains[0]?.name ?? null,
    domains: domains.map((domain) => domain.name),
  };
}
