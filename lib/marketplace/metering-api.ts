// The metered billing client ("Marketplace metered billing APIs", Partner Center docs): a batch
// of up to 25 usage events, each answered with its own status, and the usage Microsoft recorded.
// Sent through ./transport.ts like every fulfillment call (token, ids, deadline, retries, log
// line); failures of the call as a whole are the classes of ./errors.
//
// Microsoft keeps one event per subscription, dimension and hour (effectiveStartTime's hour), up
// to 24 hours back, and only usage above what the plan includes is to be sent: the sender sums an
// hour's usage before sending it, since a second event for that hour is refused as a Duplicate.
import { z } from "zod";
import { MarketplaceBadRequest } from "./errors";
import { openSet, optional } from "./schemas";
import { correlationOf, createTransport, type CallOptions, type TransportOptions } from "./transport";
import { GUID } from "../guid";

/** Microsoft: a batch carries at most 25 usage events. */
export const MAX_USAGE_BATCH = 25;

export const USAGE_STATUSES = [
  "Accepted",
  "Duplicate",
  "Expired",
  "Error",
  "ResourceNotFound",
  "ResourceNotAuthorized",
  "ResourceNotActive",
  "InvalidDimension",
  "InvalidQuantity",
  "BadArgument",
] as const;
export type UsageStatus = (typeof USAGE_STATUSES)[number];

export type UsageEvent = {
  /** The SaaS subscription's id (a GUID). Microsoft's resourceUri names managed applications only. */
  resourceId: string;
  /** The subscription's current plan. */
  planId: string;
  /** A metering dimension of that plan. */
  dimension: string;
  /** The hour's usage above what the plan includes; more than 0. */
  quantity: number;
  /** When the hour's usage began (UTC; a string must name its zone); at most 24 hours ago. */
  effectiveStartTime: Date | string;
};

/**
 * What the sender does with an event. `sent`: billed, now or before (forget it). `rejected`:
 * Microsoft will never take it (drop it, and tell someone). `retry`: keep it and send it again
 * later; bounded, since after 24 hours it comes back Expired.
 */
export type UsageOutcome = "sent" | "rejected" | "retry";

export type UsageEventResult = {
  /** The event as sent (id lowercased, time in ISO 8601). */
  event: { resourceId: string; planId: string; dimension: string; quantity: number; effectiveStartTime: string };
  /** Microsoft's status; "Unanswered" (ours) when the answer named no result for the event. */
  status: UsageStatus | "Unanswered" | (string & {});
  outcome: UsageOutcome;
  /** Accepted: the event's id. Duplicate: the id of the event accepted before for that hour. */
  usageEventId: string | null;
  /** Microsoft's code and message, for an event not accepted. */
  error?: { code?: string; message?: string };
};

export type UsageBatchResult = {
  /** One per event, in the order sent. */
  results: UsageEventResult[];
  requestId: string | null;
  correlationId: string;
};

/**
 * Accepted: billed. Duplicate: this hour was billed already, by an earlier send of this event (a
 * retry after a lost answer) or of another: treat as sent. Expired, ResourceNotActive,
 * InvalidDimension, InvalidQuantity: permanent, never resend. Anything else (Error,
 * ResourceNotFound, a status Microsoft adds later, ...): keep it and try again later.
 */
export function classifyUsageStatus(status: string): UsageOutcome {
  switch (status) {
    case "Accepted":
    case "Duplicate":
      return "sent";
    case "Expired":
    case "ResourceNotActive":
    case "InvalidDimension":
    case "InvalidQuantity":
      return "rejected";
    default:
      return "retry";
  }
}

const text = z.string().trim();
/** A number Microsoft may also write as a string ("5.0"). */
const amount = optional(
  z.preprocess((value) => (typeof value === "string" && value.trim() ? Number(value) : value), z.number()),
);

const usageErrorSchema = z.looseObject({
  code: optional(text),
  message: optional(text),
  additionalInfo: optional(
    z.looseObject({ acceptedMessage: optional(z.looseObject({ usageEventId: optional(text) })) }),
  ),
});

/** One entry of batchUsageEvent's result[] (and the answer of usageEvent). */
export const usageEventResultSchema = z.looseObject({
  usageEventId: optional(text),
  status: openSet<UsageStatus>(),
  messageTime: optional(text),
  resourceId: optional(text),
  quantity: amount,
  dimension: optional(text),
  effectiveStartTime: optional(text),
  planId: optional(text),
  error: optional(usageErrorSchema),
});

export const usageBatchSchema = z.looseObject({
  count: amount,
  result: optional(z.array(usageEventResultSchema)).transform((value) => value ?? []),
});

/** GET /usageEvents: one row per subscription, dimension, plan and day. */
export const usageRecordSchema = z.looseObject({
  usageDate: text.min(1),
  usageResourceId: text.min(1),
  dimension: text.min(1),
  planId: optional(text),
  planName: optional(text),
  offerId: optional(text),
  offerName: optional(text),
  offerType: optional(text),
  azureSubscriptionId: optional(text),
  reconStatus: optional(text),
  submittedQuantity: amount,
  processedQuantity: amount,
  submittedCount: amount,
});

export type UsageEventAnswer = z.infer<typeof usageEventResultSchema>;
export type UsageRecord = z.infer<typeof usageRecordSchema>;

export type UsageQuery = {
  /** The first day read (ISO 8601 date or time, or a Date). */
  usageStartDate: Date | string;
  /** The last day read; Microsoft's default: today. */
  usageEndDate?: Date | string;
  offerId?: string;
  planId?: string;
  dimension?: string;
  azureSubscriptionId?: string;
  reconStatus?: string;
};

const ZONED = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const HOUR_MS = 60 * 60 * 1000;

/** A time in UTC from a Date or an ISO 8601 string with its zone; null when it is neither. */
function instant(value: Date | string): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value !== "string" || !ZONED.test(value.trim())) return null;
  const time = Date.parse(value.trim());
  return Number.isNaN(time) ? null : new Date(time);
}

/** Which result answers which event: subscription, dimension and hour (Microsoft echoes them). */
function hourKey(resourceId: string | undefined, dimension: string | undefined, time: string | undefined) {
  if (!resourceId || !dimension || !time) return undefined;
  // Microsoft's examples echo the time without a zone: it is UTC.
  const parsed = instant(ZONED.test(time) ? time : `${time}Z`);
  return parsed ? `${resourceId.toLowerCase()}|${dimension}|${Math.floor(parsed.getTime() / HOUR_MS)}` : undefined;
}

export type MeteringClient = ReturnType<typeof createMeteringClient>;

export function createMeteringClient(options: TransportOptions) {
  const { send, parse } = createTransport(options);

  /** The events checked and in the shape sent; a refusal names the event (1-based). */
  function checked(events: UsageEvent[], correlationId: string): UsageEventResult["event"][] {
    const refuse = (reason: string) =>
      new MarketplaceBadRequest({ operation: "postUsageBatch", status: null, requestId: null, correlationId }, reason);
    if (!Array.isArray(events)) throw refuse("the usage events are not a list");
    if (events.length > MAX_USAGE_BATCH)
      throw refuse(`${events.length} usage events: a batch carries at most ${MAX_USAGE_BATCH}`);
    const hours = new Map<string, number>();
    return events.map((event, index) => {
      const which = `event ${index + 1}`;
      if (typeof event?.resourceId !== "string" || !GUID.test(event.resourceId))
        throw refuse(`${which}: the resourceId is not a subscription id (GUID)`);
      if (typeof event.planId !== "string" || !event.planId.trim()) throw refuse(`${which}: no plan id`);
      if (typeof event.dimension !== "string" || !event.dimension.trim()) throw refuse(`${which}: no dimension`);
      if (typeof event.quantity !== "number" || !Number.isFinite(event.quantity) || event.quantity <= 0)
        throw refuse(`${which}: the quantity must be a number above 0`);
      const time = instant(event.effectiveStartTime);
      if (!time) throw refuse(`${which}: effectiveStartTime must be a Date or an ISO 8601 time with its zone`);
      const sent = {
        resourceId: event.resourceId.toLowerCase(),
        quantity: event.quantity,
        dimension: event.dimension,
        effectiveStartTime: time.toISOString(),
        planId: event.planId,
      };
      // Two events of one hour: Microsoft bills the first and answers Duplicate to the second,
      // whose quantity would be lost while it reads as sent. The caller must sum them.
      const key = hourKey(sent.resourceId, sent.dimension, sent.effectiveStartTime)!;
      const earlier = hours.get(key);
      if (earlier !== undefined)
        throw refuse(`events ${earlier + 1} and ${index + 1} are for the same subscription, dimension and hour`);
      hours.set(key, index);
      return sent;
    });
  }

  function resultOf(event: UsageEventResult["event"], answer: UsageEventAnswer | undefined): UsageEventResult {
    if (!answer) return { event, status: "Unanswered", outcome: "retry", usageEventId: null };
    const accepted = answer.error?.additionalInfo?.acceptedMessage?.usageEventId;
    return {
      event,
      status: answer.status,
      outcome: classifyUsageStatus(answer.status),
      usageEventId: (answer.status === "Duplicate" ? accepted : undefined) ?? answer.usageEventId ?? null,
      ...(answer.error ? { error: { code: answer.error.code, message: answer.error.message } } : {}),
    };
  }

  return {
    /**
     * POST /batchUsageEvent: up to 25 events, of any of the publisher's subscriptions. Retried on
     * 429, 5xx and timeouts (idempotent policy): safe, because an event accepted on an attempt
     * whose answer was lost comes back Duplicate with the first one's id, which counts as sent.
     * Each event's result is found by its subscription, dimension and hour, whatever the order
     * of Microsoft's result[].
     */
    async postUsageBatch(events: UsageEvent[], callOptions?: CallOptions): Promise<UsageBatchResult> {
      const correlationId = correlationOf("postUsageBatch", callOptions);
      const request = checked(events, correlationId);
      if (request.length === 0) return { results: [], requestId: null, correlationId };
      const answer = await send({
        operation: "postUsageBatch",
        method: "POST",
        path: "/batchUsageEvent",
        body: { request },
        retry: "idempotent",
        correlationId,
      });
      const { result } = parse(usageBatchSchema, answer, "postUsageBatch");
      const byHour = new Map<string, UsageEventAnswer[]>();
      const unkeyed: UsageEventAnswer[] = [];
      for (const entry of result) {
        const key = hourKey(entry.resourceId, entry.dimension, entry.effectiveStartTime);
        if (key) byHour.set(key, [...(byHour.get(key) ?? []), entry]);
        else unkeyed.push(entry);
      }
      const results = request.map((event) => {
        const key = hourKey(event.resourceId, event.dimension, event.effectiveStartTime)!;
        return resultOf(event, byHour.get(key)?.shift() ?? unkeyed.shift());
      });
      return { results, requestId: answer.requestId, correlationId };
    },

    /** GET /usageEvents: the publisher's usage as Microsoft recorded it, per day (for reconciliation). */
    async listUsageEvents(query: UsageQuery, callOptions?: CallOptions): Promise<UsageRecord[]> {
      const correlationId = correlationOf("listUsageEvents", callOptions);
      const params: Record<string, string> = {};
      for (const name of ["usageStartDate", "usageEndDate"] as const) {
        const value = query[name];
        if (value === undefined && name === "usageEndDate") continue;
        const date = value instanceof Date ? value : typeof value === "string" ? new Date(value) : null;
        if (!date || Number.isNaN(date.getTime())) {
          throw new MarketplaceBadRequest(
            { operation: "listUsageEvents", status: null, requestId: null, correlationId },
            `${name} must be a Date or an ISO 8601 date`,
          );
        }
        params[name] = value instanceof Date ? value.toISOString() : String(value);
      }
      for (const name of ["offerId", "planId", "dimension", "azureSubscriptionId", "reconStatus"] as const) {
        const value = query[name];
        if (value) params[name] = value;
      }
      const answer = await send({
        operation: "listUsageEvents",
        method: "GET",
        path: "/usageEvents",
        query: params,
        retry: "idempotent",
        correlationId,
      });
      return parse(z.array(usageRecordSchema), answer, "listUsageEvents", []);
    },
  };
}
