// A workspace's marketplace subscriptions, as its people see them (the Plan page). Reads take the
// gate's TenantAccess, scoped to that tenant.
import type { Database } from "../db/client";
import type { TenantAccess } from "../tenants/gate";

export function subscriptionsOf(prisma: Database, access: TenantAccess) {
  return prisma.subscription.findMany({
    where: { tenantId: access.tenantId },
    orderBy: { activatedAt: "desc" },
    select: {
      id: true,
      offerId: true,
      planId: true,
      quantity: true,
      status: true,
      isFreeTrial: true,
      termUnit: true,
      termEndsAt: true,
      autoRenew: true,
      activatedAt: true,
    },
    take: 20,
  });
}
