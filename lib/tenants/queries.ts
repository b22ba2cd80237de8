// Reads of tenant data. Each takes the gate's TenantAccess and reads within its tenant only:
// the tenant of a request comes from the server-side session, never from the request.
import type { Database } from "../db/client";
import type { TenantAccess } from "./gate";

/** What a list of people shows: the Team page and the operator console's tenant page. */
export const PERSON_FIELDS = {
  id: true,
  displayName: true,
  email: true,
  role: true,
  lastSignInAt: true,
  suspendedAt: true,
  seatAssignedAt: true,
} as const;

export function listTenantUsers(prisma: Database, access: TenantAccess) {
  return prisma.user.findMany({
    where: { tenantId: access.tenantId },
    select: PERSON_FIELDS,
    orderBy: [{ role: "asc" }, { displayName: "asc" }],
    take: 200,
  });
}

/** The tenant's latest audit events, newest first (the Overview's "Recent activity"). */
export function latestTenantEvents(prisma: Database, access: TenantAccess, take = 8) {
  return prisma.auditEvent.findMany({
    where: { tenantId: access.tenantId },
    select: { id: true, type: true, actor: true, occurredAt: true },
    orderBy: { occurredAt: "desc" },
    take,
  });
}

/** Seats of the tenant's per-user plan: null limit when there is none (trial, flat rate). */
export async function tenantSeats(prisma: Database, access: TenantAccess) {
  const tenant = await prisma.tenant.findUnique({ where: { id: access.tenantId }, select: { seatLimit: true } });
  const used = await prisma.user.count({ where: { tenantId: access.tenantId, seatAssignedAt: { not: null } } });
  return { limit: tenant?.seatLimit ?? null, used };
}
