import { apiTenantAccess } from "@/lib/tenants/access";

export const dynamic = "force-dynamic";

/** The caller's own tenant, as the gate read it: one indexed query in all. */
export async function GET(): Promise<Response> {
  const access = await apiTenantAccess();
  if (access instanceof Response) return access;
  return Response.json(
    {
      tenantId: access.tenantId,
      name: access.tenant.name,
      status: access.tenant.status,
      trialEndsAt: access.tenant.trialEndsAt,
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}
