// The JSON the SaaS Fulfillment API v2 answers, in the shapes of Microsoft's documentation
// ("SaaS fulfillment Subscription APIs v2", "... Operations APIs v2"), quirks included where an
// app must cope with them: seats as "" on a flat-rate plan and as a string in resolve and in
// operations, and `lastModified` as "0001-01-01T00:00:00" until the subscription changes.
import type { Marketplace, Operation, Subscription } from "./state";

const NEVER = "0001-01-01T00:00:00";
const day = (date: Date) => `${date.toISOString().slice(0, 10)}T00:00:00Z`;
const seats = (quantity: number | undefined) => (quantity === undefined ? "" : String(quantity));

/** A subscription as "Get subscription" and "List subscriptions" answer it. */
export function subscriptionJson(subscription: Subscription): Record<string, unknown> {
  return {
    id: subscription.id,
    name: subscription.name,
    publisherId: subscription.publisherId,
    offerId: subscription.offerId,
    planId: subscription.planId,
    quantity: subscription.quantity ?? "",
    beneficiary: { ...subscription.beneficiary },
    purchaser: { ...subscription.purchaser },
    allowedCustomerOperations: [...subscription.allowedCustomerOperations],
    sessionMode: "None",
    isFreeTrial: subscription.isFreeTrial,
    autoRenew: subscription.autoRenew,
    isTest: false,
    sandboxType: "None",
    created: subscription.created.toISOString(),
    lastModified: subscription.lastModified?.toISOString() ?? NEVER,
    saasSubscriptionStatus: subscription.status,
    // Start and end only once billing started (Microsoft: "relevant only for Active and Suspended").
    term: {
      ...(subscription.termStart ? { startDate: day(subscription.termStart) } : {}),
      ...(subscription.termEnd ? { endDate: day(subscription.termEnd) } : {}),
      termUnit: subscription.termUnit,
    },
  };
}

/** "Resolve a purchased subscription". */
export function resolvedJson(subscription: Subscription): Record<string, unknown> {
  return {
    id: subscription.id,
    subscriptionName: subscription.name,
    offerId: subscription.offerId,
    planId: subscription.planId,
    quantity: seats(subscription.quantity),
    subscription: subscriptionJson(subscription),
  };
}

/** "Get operation status", and each operation of "List outstanding operations". */
export function operationJson(marketplace: Marketplace, operation: Operation): Record<string, unknown> {
  const subscription = marketplace.subscriptions.get(operation.subscriptionId);
  return {
    id: operation.id,
    activityId: operation.activityId,
    subscriptionId: operation.subscriptionId,
    offerId: subscription?.offerId ?? "",
    publisherId: subscription?.publisherId ?? "",
    planId: operation.planId,
    quantity: seats(operation.quantity),
    action: operation.action,
    timeStamp: operation.timeStamp.toISOString(),
    status: operation.status,
    errorStatusCode: operation.errorStatusCode,
    errorMessage: operation.errorMessage,
  };
}

/**
 * A webhook notification ("Implementing a webhook on the SaaS service"): the operation, who asked
 * for it (operationRequestSource), and the subscription as it was when the notification was made
 * (for a change: before it, as Microsoft's examples show). Seats are a number here (as in the
 * examples), null for a plan without seats.
 */
export function webhookJson(operation: Operation, subscription: Subscription): Record<string, unknown> {
  return {
    id: operation.id,
    activityId: operation.activityId,
    publisherId: subscription.publisherId,
    offerId: subscription.offerId,
    planId: operation.planId,
    quantity: operation.quantity ?? null,
    subscriptionId: operation.subscriptionId,
    timeStamp: operation.timeStamp.toISOString(),
    action: operation.action,
    status: operation.status,
    operationRequestSource: operation.source,
    subscription: subscriptionJson(subscription),
    purchaseToken: null,
  };
}
