// The metered billing client (./metering-api.ts): what it sends, how it reads each event's status.
import { describe, expect, it } from "vitest";
import { MarketplaceBadRequest, MarketplaceForbidden, MarketplaceUnavailable } from "./errors";
import { classifyUsageStatus, createMeteringClient, type UsageEvent } from "./metering-api";
import { BASE, BEARER, SUBSCRIPTION, empty, expectStandardRequest, failureOf, json, type Sent } from "./test-support";

const OTHER = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";
const HOUR = "2026-03-02T10:00:00.000Z";
const NEXT_HOUR = "2026-03-02T11:00:00.000Z";

/** A metering client on a fake fetch that records each request and plays the answers in order. */
function meteringWith(answers: Response[]) {
  const sent: Sent[] = [];
  const sleeps: number[] = [];
  const client = createMeteringClient({
    baseUrl: BASE,
    getToken: async () => BEARER,
    fetch: async (input, init = {}) => {
      sent.push({
        url: new URL(String(input)),
        method: init.method ?? "GET",
        headers: new Headers(init.headers),
        body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
        redirect: init.redirect,
      });
      const answer = answers.shift();
      if (!answer) throw new Error("the test gave no answer for this request");
      return answer;
    },
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 5_000 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    log: { info: () => {}, warn: () => {} },
  });
  return { client, sent, sleeps };
}

const event = (extra: Partial<UsageEvent> = {}): UsageEvent => ({
  resourceId: SUBSCRIPTION,
  planId: "team-monthly",
  dimension: "api-calls",
  quantity: 12.5,
  effectiveStartTime: new Date(HOUR),
  ...extra,
});

/** A result entry as Microsoft answers it, echoing the event. */
const entry = (status: string, sent: UsageEvent, extra: Record<string, unknown> = {}) => ({
  status,
  messageTime: "2026-03-02T12:00:01.1234567Z",
  resourceId: sent.resourceId,
  quantity: sent.quantity,
  dimension: sent.dimension,
  // Microsoft's examples echo the time without a zone.
  effectiveStartTime: new Date(sent.effectiveStartTime).toISOString().replace(/\.\d+Z$/, ""),
  planId: sent.planId,
  ...extra,
});

describe("postUsageBatch", () => {
  it("posts the events as { request: [...] } and answers each with its status and what to do with it", async () => {
    const events = [
      event(),
      event({ resourceId: OTHER.toUpperCase(), effectiveStartTime: "2026-03-02T12:30:00+02:00" }),
      event({ dimension: "emails" }),
      event({ effectiveStartTime: NEXT_HOUR }),
      event({ resourceId: OTHER, dimension: "storage" }),
    ];
    const { client, sent } = meteringWith([
      json(200, {
        count: 5,
        result: [
          entry("Accepted", events[0]!, { usageEventId: "id-accepted", addedLater: true }),
          entry("Duplicate", events[1]!, {
            error: {
              code: "Conflict",
              message: "already accepted",
              additionalInfo: { acceptedMessage: { usageEventId: "id-first", status: "Duplicate" } },
            },
          }),
          entry("InvalidDimension", events[2]!, { error: { code: "InvalidDimension", message: "no such dimension" } }),
          entry("Expired", events[3]!),
          entry("SomethingNew", events[4]!),
        ],
      }),
    ]);
    const { results, requestId } = await client.postUsageBatch(events);

    expectStandardRequest(sent[0], "POST", "/batchUsageEvent");
    expect(sent[0]!.body).toEqual({
      request: events.map((sentEvent) => ({
        resourceId: sentEvent.resourceId.toLowerCase(),
        quantity: 12.5,
        dimension: sentEvent.dimension,
        effectiveStartTime: new Date(sentEvent.effectiveStartTime).toISOString(),
        planId: "team-monthly",
      })),
    });
    expect(requestId).toBe(sent[0]!.headers.get("x-ms-requestid"));
    expect(results.map(({ status, outcome, usageEventId }) => ({ status, outcome, usageEventId }))).toEqual([
      { status: "Accepted", outcome: "sent", usageEventId: "id-accepted" },
      { status: "Duplicate", outcome: "sent", usageEventId: "id-first" },
      { status: "InvalidDimension", outcome: "rejected", usageEventId: null },
      { status: "Expired", outcome: "rejected", usageEventId: null },
      { status: "SomethingNew", outcome: "retry", usageEventId: null },
    ]);
    expect(results[1]!.event.effectiveStartTime).toBe("2026-03-02T10:30:00.000Z");
    expect(results[2]!.error).toEqual({ code: "InvalidDimension", message: "no such dimension" });
  });

  it("finds each event's result by subscription, dimension and hour, whatever the order of result[]", async () => {
    const events = [event(), event({ dimension: "emails" }), event({ resourceId: OTHER })];
    const { client } = meteringWith([
      json(200, {
        count: 2,
        result: [entry("ResourceNotFound", events[2]!), entry("Accepted", events[0]!, { usageEventId: "a" })],
      }),
    ]);
    const { results } = await client.postUsageBatch(events);
    expect(results.map((result) => [result.status, result.outcome])).toEqual([
      ["Accepted", "sent"],
      ["Unanswered", "retry"],
      ["ResourceNotFound", "retry"],
    ]);
  });

  it("is retried on 429 and 5xx (a resent event comes back Duplicate), never on 400 or 403", async () => {
    const { client, sent, sleeps } = meteringWith([
      empty(429, { "retry-after": "2" }),
      empty(503),
      json(200, { count: 1, result: [entry("Accepted", event(), { usageEventId: "x" })] }),
      json(400, { code: "BadArgument", message: "One or more errors have occurred." }),
      json(403, { code: "Forbidden", message: "not allowed" }),
    ]);
    expect((await client.postUsageBatch([event()])).results[0]!.outcome).toBe("sent");
    expect(sent).toHaveLength(3);
    expect(sleeps).toEqual([2_000, 1]);
    expect(new Set(sent.map((request) => request.headers.get("x-ms-correlationid"))).size).toBe(1);

    const refused = (await failureOf(client.postUsageBatch([event()]))) as MarketplaceBadRequest;
    expect(refused).toBeInstanceOf(MarketplaceBadRequest);
    expect(refused.detail).toBe("One or more errors have occurred.");
    expect(await failureOf(client.postUsageBatch([event()]))).toBeInstanceOf(MarketplaceForbidden);
    expect(sent).toHaveLength(5);
  });

  it("gives up after its attempts on 5xx with MarketplaceUnavailable", async () => {
    const { client, sent } = meteringWith([empty(500), empty(502), empty(503)]);
    expect(await failureOf(client.postUsageBatch([event()]))).toBeInstanceOf(MarketplaceUnavailable);
    expect(sent).toHaveLength(3);
  });

  it("refuses, without sending, more than 25 events, a malformed event, or two events of one hour", async () => {
    const { client, sent } = meteringWith([]);
    const hours = (count: number) =>
      Array.from({ length: count }, (_, index) =>
        event({ effectiveStartTime: new Date(Date.parse(HOUR) + index * 3_600_000) }),
      );
    const refusals = [
      hours(26),
      [event({ resourceId: "../saas/subscriptions" })],
      [event({ planId: " " })],
      [event({ dimension: "" })],
      [event({ quantity: 0 })],
      [event({ quantity: Number.NaN })],
      [event({ effectiveStartTime: "2026-03-02T10:00:00" })],
      [event({ effectiveStartTime: new Date("not a date") })],
      [event(), event({ effectiveStartTime: "2026-03-02T10:59:59Z", quantity: 3 })],
    ];
    for (const events of refusals) {
      const error = (await failureOf(client.postUsageBatch(events))) as MarketplaceBadRequest;
      expect(error).toBeInstanceOf(MarketplaceBadRequest);
      expect(error.status).toBeNull();
    }
    expect((await failureOf(client.postUsageBatch(hours(26)))).message).toContain("at most 25");
    expect(sent).toHaveLength(0);
  });

  it("sends nothing for no events, and 25 events in one call", async () => {
    const { client, sent } = meteringWith([json(200, { count: 0, result: [] })]);
    expect(await client.postUsageBatch([])).toMatchObject({ results: [], requestId: null });
    const batch = Array.from({ length: 25 }, (_, index) => event({ dimension: `d${index}` }));
    const { results } = await client.postUsageBatch(batch);
    expect(sent).toHaveLength(1);
    expect(results).toHaveLength(25);
    expect(results.every((result) => result.status === "Unanswered")).toBe(true);
  });
});

describe("classifyUsageStatus", () => {
  it("sent, rejected for good, or kept to retry", () => {
    const outcomes = Object.fromEntries(
      [
        "Accepted",
        "Duplicate",
        "Expired",
        "ResourceNotActive",
        "InvalidDimension",
        "InvalidQuantity",
        "Error",
        "ResourceNotFound",
        "ResourceNotAuthorized",
        "BadArgument",
        "AddedNextYear",
      ].map((status) => [status, classifyUsageStatus(status)]),
    );
    expect(outcomes).toEqual({
      Accepted: "sent",
      Duplicate: "sent",
      Expired: "rejected",
      ResourceNotActive: "rejected",
      InvalidDimension: "rejected",
      InvalidQuantity: "rejected",
      Error: "retry",
      ResourceNotFound: "retry",
      ResourceNotAuthorized: "retry",
      BadArgument: "retry",
      AddedNextYear: "retry",
    });
  });
});

describe("listUsageEvents", () => {
  it("reads the usage per day with the filters given, keeping fields Microsoft adds", async () => {
    const row = {
      usageDate: "2026-03-02T00:00:00Z",
      usageResourceId: SUBSCRIPTION,
      dimension: "api-calls",
      planId: "team-monthly",
      offerId: "saas-starter",
      offerType: "SaaS",
      reconStatus: "Accepted",
      submittedQuantity: "17.0",
      processedQuantity: 17,
      submittedCount: 3,
      newField: "kept",
    };
    const { client, sent } = meteringWith([json(200, [row]), empty(200)]);
    const rows = await client.listUsageEvents({
      usageStartDate: new Date("2026-03-01T00:00:00Z"),
      usageEndDate: "2026-03-02",
      dimension: "api-calls",
      planId: "",
    });
    expectStandardRequest(sent[0], "GET", "/usageEvents");
    expect(Object.fromEntries(sent[0]!.url.searchParams)).toEqual({
      usageStartDate: "2026-03-01T00:00:00.000Z",
      usageEndDate: "2026-03-02",
      dimension: "api-calls",
      "api-version": "2018-08-31",
    });
    expect(rows).toEqual([{ ...row, submittedQuantity: 17 }]);
    expect(await client.listUsageEvents({ usageStartDate: "2026-03-01" })).toEqual([]);
  });

  it("refuses a missing or unreadable date without sending", async () => {
    const { client, sent } = meteringWith([]);
    for (const usageStartDate of ["", "yesterday", undefined as unknown as string]) {
      expect(await failureOf(client.listUsageEvents({ usageStartDate }))).toBeInstanceOf(MarketplaceBadRequest);
    }
    expect(sent).toHaveLength(0);
  });
});
