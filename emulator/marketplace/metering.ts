// "Marketplace metered billing APIs" on the back channel, beside the fulfillment API and behind
// the same checks (api.ts: ids, faults, api-version, bearer token, call log): post one usage
// event, post a batch of up to 25, read back the usage accepted. The ledger keeps one accepted
// event per subscription, dimension and hour (effectiveStartTime truncated to the hour), as
// Microsoft does; a second one for that hour is a Duplicate naming the first one's id.
import { randomUUID } from "node:crypto";
import type { ApiContext, Route } from "./api";
import type { Subscription } from "./state";

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** Microsoft: a batch carries at most 25 usage events. */
export const MAX_BATCH_EVENTS = 25;

export type UsageStatus =
  | "Accepted"
  | "Duplicate"
  | "Expired"
  | "ResourceNotFound"
  | "ResourceNotAuthorized"
  | "ResourceNotActive"
  | "InvalidDimension"
  | "InvalidQuantity"
  | "BadArgument";

/** A usage event the marketplace accepted: what the ledger keeps and GET /usageEvents reads. */
export type AcceptedUsage = {
  usageEventId: string;
  subscriptionId: string;
  publisherId: string;
  offerId: string;
  planId: string;
  dimension: string;
  quantity: number;
  effectiveStartTime: Date;
  messageTime: Date;
};

/** The usage accepted, keyed by subscription, dimension and hour. Emptied by POST /_emulator/reset. */
export class UsageLedger {
  private readonly events = new Map<string, AcceptedUsage>();

  private static key(subscriptionId: string, dimension: string, time: Date): string {
    return `${subscriptionId}|${dimension}|${Math.floor(time.getTime() / HOUR_MS)}`;
  }

  /** The event accepted for this subscription and dimension in the hour of `time`, if any. */
  find(subscriptionId: string, dimension: string, time: Date): AcceptedUsage | undefined {
    return this.events.get(UsageLedger.key(subscriptionId, dimension, time));
  }

  record(usage: AcceptedUsage): void {
    this.events.set(UsageLedger.key(usage.subscriptionId, usage.dimension, usage.effectiveStartTime), usage);
  }

  all(): AcceptedUsage[] {
    return [...this.events.values()];
  }

  clear(): void {
    this.events.clear();
  }
}

type Refusal = {
  status: Exclude<UsageStatus, "Accepted">;
  message: string;
  target?: string;
  /** For a Duplicate: the event accepted before for that hour. */
  accepted?: AcceptedUsage;
};
type Verdict = { status: "Accepted"; usage: AcceptedUsage } | Refusal;

/** A time in UTC (ISO 8601; one without a zone is read as UTC, as Microsoft's examples write it). */
function utc(value: unknown): Date | undefined {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const zoned = /T.*(?:Z|[+-]\d{2}:?\d{2})$/i.test(value) || !value.includes("T") ? value : `${value}Z`;
  const time = Date.parse(zoned);
  return Number.isNaN(time) ? undefined : new Date(time);
}

/**
 * Usage is accepted for a Subscribed subscription only, and for an Unsubscribed one for the time
 * before it was cancelled ("Metering service APIs FAQ": usage of the hours before a cancellation
 * can still be sent). Never for PendingFulfillmentStart or Suspended.
 */
function meterable(subscription: Subscription, time: Date): boolean {
  if (subscription.status === "Subscribed") return true;
  const cancelledAt = subscription.lastModified?.getTime() ?? 0;
  return subscription.status === "Unsubscribed" && time.getTime() < cancelledAt;
}

/** One usage event judged, and recorded when accepted. The checks in the order they are made. */
function judge(context: ApiContext, event: unknown, now: number): Verdict {
  const refuse = (status: Refusal["status"], message: string, target?: string): Refusal => ({
    status,
    message,
    target,
  });
  if (typeof event !== "object" || event === null || Array.isArray(event))
    return refuse("BadArgument", "A usage event must be a JSON object.", "usageEventRequest");
  const input = event as Record<string, unknown>;
  const { resourceId, planId, dimension, quantity } = input;
  if (typeof resourceId !== "string" || !resourceId) {
    // resourceUri names a managed application's resource; a SaaS subscription is a resourceId.
    const hint = input.resourceUri === undefined ? "" : " (resourceUri is for managed applications)";
    return refuse("BadArgument", `resourceId, the SaaS subscription's id, is required${hint}.`, "resourceId");
  }
  if (typeof planId !== "string" || !planId) return refuse("BadArgument", "planId is required.", "planId");
  if (typeof dimension !== "string" || !dimension) return refuse("BadArgument", "dimension is required.", "dimension");
  if (typeof quantity !== "number" || !Number.isFinite(quantity))
    return refuse("BadArgument", "quantity must be a number.", "quantity");
  const time = utc(input.effectiveStartTime);
  if (!time) return refuse("BadArgument", "effectiveStartTime must be a time in UTC (ISO 8601).", "effectiveStartTime");

  const subscription = context.marketplace.subscriptions.get(resourceId.toLowerCase());
  if (!subscription)
    return refuse("ResourceNotFound", `The SaaS subscription ${resourceId} was not found.`, "resourceId");
  if (subscription.publisherId !== context.caller.publisherId) {
    return refuse(
      "ResourceNotAuthorized",
      `The SaaS subscription ${resourceId} is of an offer published with another Microsoft Entra application id than the one the authorization token was issued to.`,
      "resourceId",
    );
  }
  if (time.getTime() > now) return refuse("Expired", "effectiveStartTime is in the future.", "effectiveStartTime");
  if (time.getTime() < now - DAY_MS)
    return refuse("Expired", "effectiveStartTime is more than 24 hours ago.", "effectiveStartTime");
  if (!meterable(subscription, time)) {
    return refuse(
      "ResourceNotActive",
      `The SaaS subscription ${subscription.id} is ${subscription.status}: usage is accepted for a Subscribed subscription only.`,
      "resourceId",
    );
  }
  if (planId !== subscription.planId)
    return refuse("InvalidDimension", `The subscription's plan is ${subscription.planId}, not ${planId}.`, "planId");
  const plan = context.marketplace.plan(subscription.offerId, planId);
  if (!plan?.meteringDimensions.some((candidate) => candidate.id === dimension))
    return refuse("InvalidDimension", `The plan ${planId} has no metering dimension ${dimension}.`, "dimension");
  if (quantity <= 0) return refuse("InvalidQuantity", "quantity must be more than 0.", "quantity");

  const accepted = context.marketplace.usage.find(subscription.id, dimension, time);
  if (accepted) {
    return {
      ...refuse("Duplicate", "A usage event was already accepted for this resource, dimension and hour."),
      accepted,
    };
  }
  const usage: AcceptedUsage = {
    usageEventId: randomUUID(),
    subscriptionId: subscription.id,
    publisherId: subscription.publisherId,
    offerId: subscription.offerId,
    planId,
    dimension,
    quantity,
    effectiveStartTime: time,
    messageTime: new Date(now),
  };
  context.marketplace.usage.record(usage);
  return { status: "Accepted", usage };
}

/** An accepted event as the API answers it; `status` "Duplicate" when it is named by a later one. */
function usageJson(usage: AcceptedUsage, status: "Accepted" | "Duplicate" = "Accepted"): Record<string, unknown> {
  return {
    usageEventId: usage.usageEventId,
    status,
    messageTime: usage.messageTime.toISOString(),
    resourceId: usage.subscriptionId,
    quantity: usage.quantity,
    dimension: usage.dimension,
    effectiveStartTime: usage.effectiveStartTime.toISOString(),
    planId: usage.planId,
  };
}

/** The fields of the event as sent, echoed in a refusal. */
function echo(event: unknown): Record<string, unknown> {
  if (typeof event !== "object" || event === null) return {};
  const input = event as Record<string, unknown>;
  const fields = ["resourceId", "quantity", "dimension", "effectiveStartTime", "planId"];
  return Object.fromEntries(fields.filter((field) => input[field] !== undefined).map((field) => [field, input[field]]));
}

/** A refusal's error object; a Duplicate's carries the accepted event (additionalInfo.acceptedMessage). */
function errorJson(refusal: Refusal): Record<string, unknown> {
  if (refusal.status === "Duplicate") {
    return {
      code: "Conflict",
      message: refusal.message,
      additionalInfo: { acceptedMessage: usageJson(refusal.accepted!, "Duplicate") },
    };
  }
  return { code: refusal.status, message: refusal.message, ...(refusal.target ? { target: refusal.target } : {}) };
}

/** A 400 in the metering API's shape: { code, message, target, details: [...] }. */
function badRequest(message: string, details: Record<string, unknown>[]): Response {
  return Response.json({ code: "BadArgument", message, target: "usageEventRequest", details }, { status: 400 });
}

/** POST /usageEvent: 200 Accepted, 409 Duplicate, 403 ResourceNotAuthorized, else 400 naming the status. */
function postUsageEvent(context: ApiContext): Response {
  const id = context.body.resourceId;
  if (typeof id === "string" && context.marketplace.subscriptions.has(id.toLowerCase()))
    context.log.subscriptionId = id.toLowerCase();
  const verdict = judge(context, context.body, Date.now());
  if (verdict.status === "Accepted") return Response.json(usageJson(verdict.usage));
  if (verdict.status === "Duplicate") return Response.json(errorJson(verdict), { status: 409 });
  if (verdict.status === "ResourceNotAuthorized")
    return Response.json({ code: "Forbidden", message: verdict.message }, { status: 403 });
  return badRequest("The usage event is not valid.", [errorJson(verdict)]);
}

/** POST /batchUsageEvent: 1 to 25 events, each answered with its own status in result[]. */
function postBatch(context: ApiContext): Response {
  const events = context.body.request;
  if (!Array.isArray(events) || events.length === 0)
    return badRequest("request must be an array of usage events.", [{ code: "BadArgument", target: "request" }]);
  if (events.length > MAX_BATCH_EVENTS) {
    return badRequest(`A batch carries at most ${MAX_BATCH_EVENTS} usage events; this one has ${events.length}.`, [
      { code: "BadArgument", target: "request" },
    ]);
  }
  const now = Date.now();
  const result = events.map((event) => {
    const verdict = judge(context, event, now);
    if (verdict.status === "Accepted") return usageJson(verdict.usage);
    return {
      status: verdict.status,
      messageTime: new Date(now).toISOString(),
      ...echo(event),
      error: errorJson(verdict),
    };
  });
  return Response.json({ count: result.length, result });
}

/** A day (UTC midnight, ms) from an ISO 8601 date or time; undefined if it is not one. */
function dayOf(value: string | null): number | undefined {
  const time = utc(value ?? undefined);
  return time === undefined ? undefined : Math.floor(time.getTime() / DAY_MS) * DAY_MS;
}

/**
 * GET /usageEvents?usageStartDate=…[&usageEndDate=…&offerId=…&planId=…&dimension=…&reconStatus=…]:
 * the caller's accepted usage, one row per subscription, dimension, plan and day, both dates
 * included (the end defaults to today). Every row of this ledger is reconStatus "Accepted".
 */
function listUsageEvents(context: ApiContext): Response {
  const { query, marketplace } = context;
  const start = dayOf(query.get("usageStartDate"));
  if (start === undefined)
    return badRequest("usageStartDate is required: a date in ISO 8601, e.g. 2024-05-01.", [
      { target: "usageStartDate" },
    ]);
  const end = query.has("usageEndDate") ? dayOf(query.get("usageEndDate")) : dayOf(new Date().toISOString());
  if (end === undefined || end < start)
    return badRequest("usageEndDate must be a date in ISO 8601, not before usageStartDate.", [
      { target: "usageEndDate" },
    ]);
  const wanted = (name: string, value: string) => !query.has(name) || query.get(name) === value;
  const rows = new Map<string, Record<string, unknown> & { submittedQuantity: number; submittedCount: number }>();
  for (const usage of marketplace.usage.all()) {
    const day = Math.floor(usage.effectiveStartTime.getTime() / DAY_MS) * DAY_MS;
    if (usage.publisherId !== context.caller.publisherId || day < start || day > end) continue;
    if (!wanted("offerId", usage.offerId) || !wanted("planId", usage.planId) || !wanted("dimension", usage.dimension))
      continue;
    if (!wanted("reconStatus", "Accepted")) continue;
    const key = `${day}|${usage.subscriptionId}|${usage.dimension}|${usage.planId}`;
    const row = rows.get(key) ?? {
      usageDate: `${new Date(day).toISOString().slice(0, 10)}T00:00:00Z`,
      usageResourceId: usage.subscriptionId,
      dimension: usage.dimension,
      planId: usage.planId,
      planName: marketplace.plan(usage.offerId, usage.planId)?.displayName ?? usage.planId,
      offerId: usage.offerId,
      offerName: marketplace.offer(usage.offerId)?.displayName ?? usage.offerId,
      offerType: "SaaS",
      reconStatus: "Accepted",
      submittedQuantity: 0,
      processedQuantity: 0,
      submittedCount: 0,
    };
    row.submittedQuantity += usage.quantity;
    row.processedQuantity = row.submittedQuantity;
    row.submittedCount += 1;
    rows.set(key, row);
  }
  return Response.json([...rows.values()]);
}

export const meteringRoutes: Route[] = [
  { method: "POST", path: /^\/usageEvent$/, endpoint: postUsageEvent },
  { method: "POST", path: /^\/batchUsageEvent$/, endpoint: postBatch },
  { method: "GET", path: /^\/usageEvents$/, endpoint: listUsageEvents },
];
