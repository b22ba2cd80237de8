// What happens to a SaaS subscription on Microsoft's side, not through the publisher's API: the
// customer changes the plan or the number of users, or cancels (Microsoft 365 admin center, Azure
// portal), and Microsoft suspends it after a payment problem, reinstates it once paid and renews
// it at the end of its term. Each makes an operation asked for by "Azure", which the webhook
// announces (webhook.ts). The checks are those the fulfillment API makes of the same changes
// (subscriptions.ts): a plan that exists and differs, seats within the plan's range, a Subscribed
// subscription, nothing else in progress.
import { seatRange } from "./catalog";
import type { Marketplace, Operation, Subscription } from "./state";

/** A change the marketplace refuses: 400 (not possible), 409 (another operation is in progress). */
export class ChangeRefused extends Error {
  constructor(
    readonly status: 400 | 409,
    message: string,
  ) {
    super(message);
  }
}

function mustBeSubscribed(subscription: Subscription): void {
  if (subscription.status !== "Subscribed")
    throw new ChangeRefused(400, `The subscription is ${subscription.status}, not Subscribed.`);
}

function mustBeIdle(marketplace: Marketplace, subscription: Subscription): void {
  const pending = marketplace.pendingOperation(subscription.id);
  if (pending) {
    throw new ChangeRefused(
      409,
      `Another operation (${pending.action}, ${pending.id}) is in progress on this subscription. Wait for it to complete.`,
    );
  }
}

/** Seats as a form or JSON gives them: 3 or "3". NaN for anything else. */
function seatsOf(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^\s*\d+\s*$/.test(value)) return Number(value);
  return NaN;
}

/** The customer's ChangePlan ({ planId }) or ChangeQuantity ({ quantity }): InProgress until the publisher answers. */
export function changeByCustomer(
  marketplace: Marketplace,
  subscription: Subscription,
  change: { planId?: unknown; quantity?: unknown },
): Operation {
  const { planId, quantity } = change;
  if ((planId === undefined) === (quantity === undefined))
    throw new ChangeRefused(400, "Give either planId or quantity: one change at a time.");
  mustBeSubscribed(subscription);
  if (planId !== undefined) {
    const plan = typeof planId === "string" ? marketplace.plan(subscription.offerId, planId) : undefined;
    if (!plan || plan.isStopSell)
      throw new ChangeRefused(400, `The plan ${String(planId)} is not available for this subscription.`);
    if (plan.planId === subscription.planId) throw new ChangeRefused(400, "The new plan is the current plan.");
    const { min, max } = seatRange(plan);
    const seats = subscription.quantity;
    if (plan.isPricePerSeat && seats !== undefined && (seats < min || seats > max))
      throw new ChangeRefused(
        400,
        `The plan ${plan.planId} is sold for ${min} to ${max} users: change the number first.`,
      );
    mustBeIdle(marketplace, subscription);
    return marketplace.startOperation(subscription, "ChangePlan", { planId: plan.planId, source: "Azure" });
  }
  const plan = marketplace.plan(subscription.offerId, subscription.planId)!;
  if (!plan.isPricePerSeat) throw new ChangeRefused(400, `The plan ${plan.planId} is not sold per user.`);
  const { min, max } = seatRange(plan);
  const seats = seatsOf(quantity);
  if (!Number.isInteger(seats) || seats < min || seats > max)
    throw new ChangeRefused(400, `The number of users must be a whole number from ${min} to ${max}.`);
  if (seats === subscription.quantity) throw new ChangeRefused(400, "The new number of users is the current one.");
  mustBeIdle(marketplace, subscription);
  return marketplace.startOperation(subscription, "ChangeQuantity", { quantity: seats, source: "Azure" });
}

/** The customer cancels: Unsubscribed at once, an Unsubscribe operation (Succeeded) for the webhook. */
export function cancelByCustomer(marketplace: Marketplace, subscription: Subscription): Operation {
  if (subscription.status === "Unsubscribed") throw new ChangeRefused(400, "The subscription is already Unsubscribed.");
  mustBeIdle(marketplace, subscription);
  return marketplace.setStatus(subscription, "Unsubscribed")!;
}

/** A payment problem: Microsoft suspends a Subscribed subscription, a Suspend operation (Succeeded). */
export function suspendByMicrosoft(marketplace: Marketplace, subscription: Subscription): Operation {
  mustBeSubscribed(subscription);
  return marketplace.setStatus(subscription, "Suspended")!;
}

/** The payment problem solved: Microsoft reinstates a Suspended subscription, a Reinstate operation (Succeeded). */
export function reinstateByMicrosoft(marketplace: Marketplace, subscription: Subscription): Operation {
  if (subscription.status !== "Suspended")
    throw new ChangeRefused(400, `The subscription is ${subscription.status}, not Suspended.`);
  return marketplace.setStatus(subscription, "Subscribed")!;
}

/** Microsoft renews at the end of the term: the next term, a Renew operation (Succeeded). */
export function renewByMicrosoft(marketplace: Marketplace, subscription: Subscription): Operation {
  mustBeSubscribed(subscription);
  return marketplace.renew(subscription);
}
