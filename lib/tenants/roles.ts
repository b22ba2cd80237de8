// Roles within a tenant, beside the gate: whether the signed-in person administers the app for
// their organization. Read from the database at each request, never from the browser.
import type { Database } from "../db/client";
import type { TenantAccess } from "./gate";

export async function isTenantAdmin(prisma: Database, access: TenantAccess): Promise<boolean> {
  const user = await prisma.user.findUnique({ where: { id: access.userId }, select: { role: true, tenantId: true } });
  return user?.tenantId === access.tenantId && user.role === "ADMIN";
}
