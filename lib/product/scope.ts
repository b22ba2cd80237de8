// The tenant filter of every query in lib/product/, written once. It can only be built from the
// gate's TenantAccess, so the tenant of a query is the tenant of the request's server-side session,
// never an id the browser sent (../../SECURITY.md: the gate is checked where data is read). A
// reviewer checks a query by finding `...tenantScope(access)` in its `where` or `data`; a query by
// id alone (findUnique, update, delete) would read or change another organization's row.
import type { TenantAccess } from "../tenants/gate";

export function tenantScope(access: TenantAccess): { tenantId: string } {
  return { tenantId: access.tenantId };
}
