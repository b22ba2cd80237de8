// "SaaS fulfillment Subscription APIs v2": resolve, activate, list, get, list available plans,
// change plan or quantity, cancel. Statuses and refusals as Microsoft documents them; where the
// docs and the contract of this emulator differ, the comment says so.
import type { ApiContext, Route } from "./api";
import { planJson, seatRange, type Plan } from "./catalog";
import { refuse } from "./errors";
import { resolvedJson, subscriptionJson } from "./shapes";
import type { Operation, Subscription } from "./state";

/** The subscription the path names, if it is of the caller's offers (else 404 / 403). */
export function ownSubscription(context: ApiContext, id: string): Subscription {
  const subscription = context.marketplace.subscriptions.get(id);
  if (!subscription) throw refuse.notFound(`The SaaS subscription ${id} was not found.`);
  context.log.subscriptionId = subscription.id;
  if (subscription.publisherId !== context.caller.publisherId) {
    throw refuse.forbidden(
      `The SaaS subscription ${id} is of an offer published with another Microsoft Entra application id than the one the authorization token was issued to.`,
    );
  }
  return subscription;
}

/** Seats as sent: 3 or "3"; "" or absent is none. NaN for anything else. */
function seatsOf(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "number") return Number.isInteger(value) ? value : NaN;
  if (typeof value === "string" && /^\s*\d+\s*$/.test(value)) return Number(value);
  return NaN;
}

function resolve(context: ApiContext): Response {
  const header = context.headers["x-ms-marketplace-token"];
  const token = typeof header === "string" ? header : "";
  if (!token) throw refuse.badRequest("The x-ms-marketplace-token header is missing.", "x-ms-marketplace-token");
  const found = context.marketplace.resolveToken(token);
  if (found === "expired") {
    throw refuse.badRequest(
      "The marketplace token has expired. Reopen the SaaS subscription in the marketplace and select Manage account.",
      "x-ms-marketplace-token",
    );
  }
  if (found === "unknown") {
    let hint = "";
    try {
      if (context.marketplace.resolveToken(decodeURIComponent(token)) !== "unknown")
        hint = " It is still URL-encoded: decode the landing page's token parameter before resolving it.";
    } catch {
      // not URL-encoded either
    }
    throw refuse.badRequest(`The marketplace token is malformed or invalid.${hint}`, "x-ms-marketplace-token");
  }
  ownSubscription(context, found.id);
  return Response.json(resolvedJson(found));
}

/**
 * Activate: PendingFulfillmentStart → Subscribed, billing starts. The plan (and the seats of a
 * per-seat plan, when sent) must be the purchased ones. Any other status is a 400, the message of
 * the second activation of the same plan saying "Subscribed with same plan", as Microsoft's does.
 * (Microsoft documents 404 for an Unsubscribed subscription; this emulator answers 400.)
 */
function activate(context: ApiContext): Response {
  const subscription = ownSubscription(context, context.params[0]!);
  const planId = context.body.planId;
  if (typeof planId !== "string" || !planId) throw refuse.badRequest("planId is required.", "planId");
  const quantity = seatsOf(context.body.quantity);
  switch (subscription.status) {
    case "Subscribed":
      throw refuse.badRequest(
        planId === subscription.planId
          ? `The SaaS subscription ${subscription.id} is already Subscribed with same plan.`
          : `The SaaS subscription ${subscription.id} is already Subscribed, with plan ${subscription.planId}.`,
      );
    case "Suspended":
    case "Unsubscribed":
      throw refuse.badRequest(
        `The SaaS subscription ${subscription.id} is ${subscription.status}: it cannot be activated.`,
      );
  }
  if (planId !== subscription.planId)
    throw refuse.badRequest(`planId ${planId} is not the purchased plan (${subscription.planId}).`, "planId");
  if (subscription.quantity !== undefined && quantity !== undefined && quantity !== subscription.quantity) {
    throw refuse.badRequest(`quantity ${quantity} is not the purchased one (${subscription.quantity}).`, "quantity");
  }
  context.marketplace.activate(subscription);
  return new Response(null, { status: 200 });
}

/** Continuation tokens look like Cosmos DB's, as Microsoft's do: characters a URL must encode. */
const continuationToken = (offset: number, page: number) =>
  `+RID:~${Buffer.from(`offset=${offset}`).toString("base64")}#RT:${page}#TRC:${offset}`;

function offsetOf(token: string): number {
  const encoded = token.match(/^\+RID:~([A-Za-z0-9+/=]+)#RT:\d+#TRC:\d+$/)?.[1];
  const offset = encoded
    ? Buffer.from(encoded, "base64")
        .toString()
        .match(/^offset=(\d+)$/)?.[1]
    : undefined;
  if (offset === undefined) throw refuse.badRequest("The continuationToken is not valid.", "continuationToken");
  return Number(offset);
}

/** Every subscription of the caller's offers, in all statuses, pageSize a page, oldest first. */
function list(context: ApiContext): Response {
  const { marketplace } = context;
  // In the order of purchase (the Map's): a purchase made while paging lands on a later page.
  const mine = [...marketplace.subscriptions.values()].filter(
    (subscription) => subscription.publisherId === context.caller.publisherId,
  );
  // "If no purchased SaaS subscriptions are found for this publisher, empty response body is returned."
  if (mine.length === 0) return new Response(null, { status: 200 });
  const given = context.query.get("continuationToken");
  const offset = given ? offsetOf(given) : 0;
  const size = marketplace.settings.pageSize;
  const page = mine.slice(offset, offset + size);
  const next =
    offset + size < mine.length ? continuationToken(offset + size, Math.floor(offset / size) + 2) : undefined;
  return Response.json({
    subscriptions: page.map(subscriptionJson),
    ...(next
      ? {
          "@nextLink": `${marketplace.apiUrl}/saas/subscriptions/?continuationToken=${encodeURIComponent(next)}&api-version=2018-08-31`,
        }
      : {}),
  });
}

function get(context: ApiContext): Response {
  return Response.json(subscriptionJson(ownSubscription(context, context.params[0]!)));
}

/** The plans the subscription may move to, the current one included (even if no longer sold). */
function listAvailablePlans(context: ApiContext): Response {
  const subscription = ownSubscription(context, context.params[0]!);
  const offer = context.marketplace.offer(subscription.offerId)!;
  const plans = offer.plans.filter((plan) => !plan.isStopSell || plan.planId === subscription.planId);
  return Response.json({ plans: plans.map(planJson) });
}

/** What a change or a cancellation needs: allowed to the customer, nothing else under way. */
function mayChange(context: ApiContext, subscription: Subscription, operation: "Update" | "Delete"): void {
  if (!subscription.allowedCustomerOperations.includes(operation)) {
    throw refuse.badRequest(
      `${operation} is not in the subscription's allowedCustomerOperations (a purchase through a CSP partner).`,
    );
  }
  const pending = context.marketplace.pendingOperation(subscription.id);
  if (pending) {
    throw refuse.conflict(
      `Another operation (${pending.action}, ${pending.id}) is in progress on the resource. Wait for it to complete, then try again.`,
    );
  }
}

function accepted(context: ApiContext, operation: Operation): Response {
  context.log.operationId = operation.id;
  return new Response(null, {
    status: 202,
    headers: { "operation-location": context.marketplace.operationLocation(operation) },
  });
}

/** Change plan ({ planId }) or quantity ({ quantity }), never both: 202 and an operation. */
function change(context: ApiContext): Response {
  const subscription = ownSubscription(context, context.params[0]!);
  const { planId, quantity } = context.body;
  if ((planId === undefined) === (quantity === undefined)) {
    throw refuse.badRequest("Send either planId or quantity: only one can be changed at a time.");
  }
  if (subscription.status !== "Subscribed") {
    throw refuse.badRequest(`The SaaS subscription ${subscription.id} is ${subscription.status}, not Subscribed.`);
  }
  const current = context.marketplace.plan(subscription.offerId, subscription.planId)!;
  if (planId !== undefined) {
    const plan = typeof planId === "string" ? context.marketplace.plan(subscription.offerId, planId) : undefined;
    if (!plan || plan.isStopSell)
      throw refuse.badRequest(`The plan ${String(planId)} is not available for this subscription.`, "planId");
    if (plan.planId === subscription.planId) throw refuse.badRequest("The new plan is the current plan.", "planId");
    const { min, max } = seatRange(plan);
    if (
      plan.isPricePerSeat &&
      subscription.quantity !== undefined &&
      (subscription.quantity < min || subscription.quantity > max)
    )
      throw refuse.badRequest(
        `The plan ${plan.planId} allows ${min} to ${max} seats: change the quantity first.`,
        "planId",
      );
    mayChange(context, subscription, "Update");
    return accepted(context, context.marketplace.startOperation(subscription, "ChangePlan", { planId: plan.planId }));
  }
  const seats = seatsOf(quantity);
  checkSeats(current, seats, subscription.quantity);
  mayChange(context, subscription, "Update");
  return accepted(context, context.marketplace.startOperation(subscription, "ChangeQuantity", { quantity: seats }));
}

function checkSeats(plan: Plan, seats: number | undefined, current: number | undefined): void {
  if (!plan.isPricePerSeat) throw refuse.badRequest(`The plan ${plan.planId} is not sold per seat.`, "quantity");
  const { min, max } = seatRange(plan);
  if (seats === undefined || Number.isNaN(seats) || seats < min || seats > max)
    throw refuse.badRequest(
      `quantity must be a whole number from ${min} to ${max} for plan ${plan.planId}.`,
      "quantity",
    );
  if (seats === current) throw refuse.badRequest("The new quantity is the current quantity.", "quantity");
}

/** Cancel: 202 and an Unsubscribe operation; the subscription is Unsubscribed when it succeeds. */
function cancel(context: ApiContext): Response {
  const subscription = ownSubscription(context, context.params[0]!);
  if (subscription.status === "Unsubscribed")
    throw refuse.badRequest(`The SaaS subscription ${subscription.id} is already Unsubscribed.`);
  mayChange(context, subscription, "Delete");
  return accepted(context, context.marketplace.startOperation(subscription, "Unsubscribe"));
}

const id = "([^/]+)";
export const subscriptionRoutes: Route[] = [
  { method: "POST", path: /^\/saas\/subscriptions\/resolve$/, endpoint: resolve },
  { method: "GET", path: /^\/saas\/subscriptions\/?$/, endpoint: list },
  { method: "POST", path: new RegExp(`^/saas/subscriptions/${id}/activate$`), endpoint: activate },
  { method: "GET", path: new RegExp(`^/saas/subscriptions/${id}/listAvailablePlans$`), endpoint: listAvailablePlans },
  { method: "GET", path: new RegExp(`^/saas/subscriptions/${id}$`), endpoint: get },
  { method: "PATCH", path: new RegExp(`^/saas/subscriptions/${id}$`), endpoint: change },
  { method: "DELETE", path: new RegExp(`^/saas/subscriptions/${id}$`), endpoint: cancel },
];
