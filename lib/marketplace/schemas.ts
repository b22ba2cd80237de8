// The answers of the SaaS Fulfillment API v2, as Microsoft documents them ("SaaS fulfillment
// Subscription APIs v2" and "SaaS fulfillment Operations APIs v2", Partner Center docs).
// Lenient on purpose: Microsoft adds fields without a new api-version, so every object is loose
// (unknown fields are kept, never a failure), and the documented examples disagree on types
// (`quantity` is 10, "10" or ""; `isFreeTrial` is false or "true"; statuses carry stray spaces).
// What the app relies on (ids, plan, tenants, status) is required; the rest is optional.
import { z } from "zod";

/** An optional field that Microsoft may also send as null. */
export function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema.optional());
}

const text = z.string().trim();
const requiredText = text.min(1);

/** Seats: a whole number, sent as 10 or "10"; "" (or nothing) when the plan is not per seat. */
const quantity = optional(
  z.preprocess((value) => {
    if (value === "") return undefined;
    if (typeof value === "string" && /^\s*\d+\s*$/.test(value)) return Number(value);
    return value;
  }, z.number().int().nonnegative().optional()),
);

/** true / false, or the strings "true" / "false" of the older examples. */
const flag = optional(
  z.preprocess((value) => (value === "true" ? true : value === "false" ? false : value), z.boolean().optional()),
);

/**
 * A value of a documented set that Microsoft may extend: the known ones are typed, an unknown
 * one is kept as a string (the caller decides what it means) rather than failing the answer.
 */
export function openSet<T extends string>() {
  return requiredText.transform((value) => value as T | (string & {}));
}

export const SUBSCRIPTION_STATUSES = ["PendingFulfillmentStart", "Subscribed", "Suspended", "Unsubscribed"] as const;
export const OPERATION_ACTIONS = [
  "ChangePlan",
  "ChangeQuantity",
  "Reinstate",
  "Renew",
  "Suspend",
  "Unsubscribe",
] as const;
export const OPERATION_STATUSES = ["NotStarted", "InProgress", "Failed", "Succeeded", "Conflict"] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
export type OperationAction = (typeof OPERATION_ACTIONS)[number];
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

/** The purchaser or the beneficiary: for a CSP purchase, the partner and the customer. */
const party = z.looseObject({
  emailId: optional(text),
  objectId: optional(text),
  /** The subscription belongs to the beneficiary's tenant. */
  tenantId: requiredText,
  puid: optional(text),
});

const term = z.looseObject({
  startDate: optional(text),
  endDate: optional(text),
  /** P1M (monthly), P1Y (yearly), ... */
  termUnit: optional(text),
});

export const subscriptionSchema = z.looseObject({
  id: requiredText,
  name: optional(text),
  publisherId: requiredText,
  offerId: requiredText,
  planId: requiredText,
  quantity,
  beneficiary: party,
  purchaser: party,
  /** Read, Update, Delete; only Read for the customer of a CSP purchase. */
  allowedCustomerOperations: optional(z.array(text)),
  sessionMode: optional(text),
  /** Absent means false (Get subscription: "Optional field"). */
  isFreeTrial: flag,
  isTest: flag,
  sandboxType: optional(text),
  saasSubscriptionStatus: openSet<SubscriptionStatus>(),
  term: optional(term),
  autoRenew: flag,
  created: optional(text),
  lastModified: optional(text),
});

/** POST /saas/subscriptions/resolve */
export const resolvedSubscriptionSchema = z.looseObject({
  id: requiredText,
  subscriptionName: text,
  offerId: requiredText,
  planId: requiredText,
  quantity,
  subscription: subscriptionSchema,
});

/**
 * GET /saas/subscriptions: 100 a page; `@nextLink` carries the continuation token, absent or
 * empty on the last page. A publisher with no subscription gets an empty body (read as {}).
 */
export const subscriptionPageSchema = z.looseObject({
  subscriptions: optional(z.array(subscriptionSchema)).transform((value) => value ?? []),
  "@nextLink": optional(text),
});

export const planSchema = z.looseObject({
  planId: requiredText,
  displayName: optional(text),
  description: optional(text),
  isPrivate: flag,
  isPricePerSeat: flag,
  hasFreeTrials: flag,
  isStopSell: flag,
  minQuantity: quantity,
  maxQuantity: quantity,
  market: optional(text),
});

/** GET /saas/subscriptions/{id}/listAvailablePlans (older docs: empty body for an unknown id). */
export const availablePlansSchema = z.looseObject({
  plans: optional(z.array(planSchema)).transform((value) => value ?? []),
});

/** GET /saas/subscriptions/{id}/operations/{operationId}, and each pending operation. */
export const operationSchema = z.looseObject({
  id: requiredText,
  activityId: optional(text),
  subscriptionId: requiredText,
  offerId: optional(text),
  publisherId: optional(text),
  planId: optional(text),
  quantity,
  action: openSet<OperationAction>(),
  timeStamp: optional(text),
  status: openSet<OperationStatus>(),
  errorStatusCode: optional(text),
  errorMessage: optional(text),
});

/** GET /saas/subscriptions/{id}/operations: "empty json if no operations are pending". */
export const operationListSchema = z.looseObject({
  operations: optional(z.array(operationSchema)).transform((value) => value ?? []),
});

export type Subscription = z.infer<typeof subscriptionSchema>;
export type ResolvedSubscription = z.infer<typeof resolvedSubscriptionSchema>;
export type SubscriptionPage = z.infer<typeof subscriptionPageSchema>;
export type Plan = z.infer<typeof planSchema>;
export type AvailablePlans = z.infer<typeof availablePlansSchema>;
export type Operation = z.infer<typeof operationSchema>;
export type OperationList = z.infer<typeof operationListSchema>;
