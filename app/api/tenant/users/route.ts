import { db } from "@/lib/db/client";
import { apiTenantAccess } from "@/lib/tenants/access";
import { listTenantUsers } from "@/lib/tenants/queries";
import { answerUnavailable } from "@/lib/db/outage-redirect";

export const dynamic = "force-dynamic";

/** The people of the caller's own tenant. The tenant comes from the session, never the request. */
async function tenantUsers(): Promise<Response> {
  const access = await apiTenantAccess();
  if (access instanceof Response) return access;
  const users = await listTenantUsers(await db(), access);
  return Response.json({ tenantId: access.tenantId, users }, { headers: { "Cache-Control": "no-store" } });
}

export const GET = () => answerUnavailable(tenantUsers);
