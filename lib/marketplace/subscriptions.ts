// A workspace's marketplace subscriptions, as its people see them (the Plan page). Reads take the
// gate's TenantAccess, scoped to that tenant.
import type { Database } from "../db/client";
import type { TenantAccess } from "../tenants/gate";
import { METERED_PLANS } from "./metering-plans";

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
      termStartsAt: true,
      termEndsAt: true,
      autoRenew: true,
      activatedAt: true,
    },
    take: 20,
  });
}

export type TermUsage = { dimension: string; used: number; included: number };

/**
 * A live subscription's metered usage in its current term, per dimension of its plan: what the
 * product recorded (counted or not yet), against what the plan includes.
 */
export async function usageThisTerm(
  prisma: Database,
  access: TenantAccess,
  subscription: { id: string; planId: string; termStartsAt: Date | null },
): Promise<TermUsage[]> {
  const dimensions = Object.entries(METERED_PLANS[subscription.planId] ?? {});
  if (dimensions.length === 0) return [];
  const sums = await prisma.usageRecord.groupBy({
    by: ["dimension"],
    where: {
      tenantId: access.tenantId,
      subscriptionId: subscription.id,
      ...(subscription.termStartsAt ? { occurredAt: { gte: subscription.termStartsAt } } : {}),
    },
    _sum: { quantity: true },
  });
  return dimensions.map(([dimension, { includedPerTerm }]) => ({
    dimension,
    used: Number(sums.find((sum) => sum.dimension === dimension)?._sum.quantity ?? 0),
    included: includedPerTerm,
  }));
}
