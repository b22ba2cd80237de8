// What a confirmed marketplace operation changes, inside the webhook's transaction
// (./webhook.ts): the subscription row, the tenant's status through the lifecycle, the seat
// limit, and an audit event naming the operation id (issue "What each action does").
//
// A tenant may hold more than one subscription: Suspend and Unsubscribe stop the tenant only when
// no other subscription keeps it running; Reinstate lifts only a suspension the marketplace made.
import type { Prisma } from "../db/generated/client";
import type { SubscriptionStatus } from "../db/generated/enums";
import { effectiveStatus } from "../tenants/gate";
import { transitionIn, type Actor } from "../tenants/lifecycle";
import { refreshSeatLimit } from "../tenants/seats";

type Tx = Prisma.TransactionClient;

export type ConfirmedOperation = {
  id: string;
  subscriptionId: string;
  action: "ChangePlan" | "ChangeQuantity" | "Suspend" | "Reinstate" | "Unsubscribe" | "Renew";
  planId: string | null;
  quantity: number | null;
  /** The operation's time stamp, as Get Operation gave it. */
  at: Date | null;
};

export type ApplyContext = {
  now: Date;
  /** Days the data of an ended tenant is kept (MARKETPLACE_DATA_RETENTION_DAYS). */
  retentionDays: number;
  /** Renew: the new term, read with Get Subscription. */
  term?: { startsAt: Date | null; endsAt: Date | null };
};

const EVENTS: Record<ConfirmedOperation["action"], string> = {
  ChangePlan: "subscription.plan_changed",
  ChangeQuantity: "subscription.quantity_changed",
  Suspend: "subscription.suspended",
  Reinstate: "subscription.reinstated",
  Unsubscribe: "subscription.unsubscribed",
  Renew: "subscription.renewed",
};

/** The subscription row's new values for the operation. */
function subscriptionUpdate(operation: ConfirmedOperation, context: ApplyContext) {
  switch (operation.action) {
    case "ChangePlan":
      return { planId: operation.planId ?? undefined, quantity: operation.quantity };
    case "ChangeQuantity":
      return { quantity: operation.quantity };
    case "Suspend":
      return { status: "SUSPENDED" as SubscriptionStatus };
    case "Reinstate":
      return { status: "SUBSCRIBED" as SubscriptionStatus };
    case "Unsubscribe":
      return { status: "UNSUBSCRIBED" as SubscriptionStatus };
    case "Renew":
      return {
        status: "SUBSCRIBED" as SubscriptionStatus,
        ...(context.term?.startsAt ? { termStartsAt: context.term.startsAt } : {}),
        ...(context.term?.endsAt ? { termEndsAt: context.term.endsAt } : {}),
      };
  }
}

/** The tenant's change for the operation, if any: what the lifecycle is asked. */
async function tenantChange(
  tx: Tx,
  tenantId: string,
  operation: ConfirmedOperation,
  now: Date,
): Promise<"suspend" | "reinstate" | "end" | null> {
  const others = await tx.subscription.findMany({
    where: { tenantId, id: { not: operation.subscriptionId } },
    select: { status: true },
  });
  const tenant = await tx.tenant.findUniqueOrThrow({
    where: { id: tenantId },
    select: { status: true, trialEndsAt: true, suspensionReason: true },
  });
  const status = effectiveStatus(tenant.status, tenant.trialEndsAt, now);
  switch (operation.action) {
    case "Suspend":
      if (others.some((other) => other.status === "SUBSCRIBED")) return null;
      return status === "SUSPENDED" || status === "ENDED" ? null : "suspend";
    case "Reinstate":
      return status === "SUSPENDED" && tenant.suspensionReason === "MARKETPLACE" ? "reinstate" : null;
    case "Unsubscribe":
      if (others.some((other) => other.status === "SUBSCRIBED" || other.status === "SUSPENDED")) return null;
      return status === "ENDED" ? null : "end";
    default:
      return null;
  }
}

/** Applies a confirmed operation to the (locked) subscription of `tenantId`. */
export async function applyOperation(
  tx: Tx,
  tenantId: string,
  operation: ConfirmedOperation,
  context: ApplyContext,
): Promise<Record<string, unknown>> {
  const actor: Actor = { trigger: "marketplace", id: "marketplace:webhook" };
  const detail = { operationId: operation.id, subscriptionId: operation.subscriptionId };
  await tx.subscription.update({
    where: { id: operation.subscriptionId },
    data: { ...subscriptionUpdate(operation, context), ...(operation.at ? { lastOperationAt: operation.at } : {}) },
  });
  const change = await tenantChange(tx, tenantId, operation, context.now);
  if (change) {
    await transitionIn(tx, tenantId, change, actor, {
      now: context.now,
      detail,
      retentionDays: context.retentionDays,
    });
  }
  const seatLimit = await refreshSeatLimit(tx, tenantId, context.now);
  const applied = {
    ...detail,
    action: operation.action,
    ...(operation.action === "ChangePlan" ? { planId: operation.planId } : {}),
    ...(operation.action === "ChangePlan" || operation.action === "ChangeQuantity"
      ? { quantity: operation.quantity }
      : {}),
    tenant: change ?? "unchanged",
    seatLimit,
  };
  await tx.auditEvent.create({
    data: { tenantId, actor: actor.id, type: EVENTS[operation.action], detail: applied },
  });
  return applied;
}
