// The local marketplace's metered billing API (marketplace/metering.ts), driven by plain calls and
// by the app's own client (lib/marketplace/metering-api.ts).
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createMeteringClient, type UsageEvent } from "@/lib/marketplace/metering-api";
import { control } from "@/test/entra-emulator";
import { loadCatalog } from "./marketplace/catalog";
import {
  api,
  appToken,
  buy,
  fulfillmentClient,
  ok,
  OTHER_PUBLISHERS_OFFER,
  quiet,
  withMarketplace,
} from "./marketplace.test-support";
import type { RunningEmulator } from "./server";

let emulator: RunningEmulator;
withMarketplace((running) => (emulator = running));

const HOUR = 60 * 60 * 1000;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The start of the hour `count` hours before this one. */
const hoursAgo = (count: number) => new Date(Math.floor(Date.now() / HOUR) * HOUR - count * HOUR);
const plus = (time: Date, minutes: number) => new Date(time.getTime() + minutes * 60_000).toISOString();

type Entry = {
  status: string;
  usageEventId?: string;
  error?: { code: string; additionalInfo?: { acceptedMessage: { usageEventId: string; status: string } } };
};

/** A subscription bought by Adele of Contoso and Subscribed (billing started). */
async function subscribed(planId = "team-monthly"): Promise<string> {
  const { subscriptionId } = await buy(emulator, { planId, ...(planId === "per-user" ? { quantity: 2 } : {}) });
  await setStatus(subscriptionId, "Subscribed");
  return subscriptionId;
}

const setStatus = (subscriptionId: string, status: string) =>
  ok(control(emulator, `marketplace/subscriptions/${subscriptionId}/status`, { status }));

const calls = async () =>
  (
    (await ok(control(emulator, "marketplace/calls"))) as {
      calls: { method: string; path: string; status: number; subscriptionId?: string; fault?: boolean }[];
    }
  ).calls;

function meteringClient() {
  return createMeteringClient({
    baseUrl: emulator.marketplaceApiUrl,
    getToken: () => appToken(emulator),
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 5_000 },
    log: quiet,
  });
}

const usage = (resourceId: string, time: string, extra: Record<string, unknown> = {}) => ({
  resourceId,
  planId: "team-monthly",
  dimension: "api-calls",
  quantity: 5,
  effectiveStartTime: time,
  ...extra,
});

describe("the offers to meter", () => {
  it("gives the flat-rate plans of offers.json a dimension, listed with the available plans", async () => {
    const plans = loadCatalog()
      .offers.filter((offer) => !offer.testFixture)
      .flatMap((offer) => offer.plans);
    const metered = plans.filter((plan) => plan.meteringDimensions.length > 0).map((plan) => plan.planId);
    expect(metered).toEqual(["team-monthly", "team-annual"]);
    const { subscriptionId } = await buy(emulator);
    const { plans: available } = await fulfillmentClient(emulator).listAvailablePlans(subscriptionId);
    expect(available[0]).toHaveProperty("planComponents.meteringDimensions.0.id", "api-calls");
  });
});

describe("POST /usageEvent", () => {
  it("accepts one event per subscription, dimension and hour; a second one is 409 naming the first", async () => {
    const token = await appToken(emulator);
    const id = await subscribed();
    const hour = hoursAgo(2);
    const post = (body: unknown) => api(emulator, "POST", "/usageEvent", { token, body });

    const first = await post(usage(id, plus(hour, 5)));
    expect(first.status).toBe(200);
    const accepted = (await first.json()) as { usageEventId: string };
    expect(accepted).toMatchObject({ status: "Accepted", resourceId: id, quantity: 5, planId: "team-monthly" });
    expect(accepted.usageEventId).toMatch(GUID);

    const again = await post(usage(id.toUpperCase(), plus(hour, 55), { quantity: 7 }));
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({
      code: "Conflict",
      additionalInfo: { acceptedMessage: { usageEventId: accepted.usageEventId, status: "Duplicate", quantity: 5 } },
    });
    expect((await post(usage(id, plus(hoursAgo(1), 0)))).status).toBe(200);
    expect((await calls()).map((call) => [call.path, call.status, call.subscriptionId])).toEqual([
      ["/usageEvent", 200, id],
      ["/usageEvent", 409, id],
      ["/usageEvent", 200, id],
    ]);
  });

  it("answers 400 naming the status, and 403 for another publisher's subscription", async () => {
    const token = await appToken(emulator);
    const id = await subscribed();
    const time = plus(hoursAgo(2), 10);
    const refused = async (body: unknown, code: string) => {
      const response = await api(emulator, "POST", "/usageEvent", { token, body });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: "BadArgument", details: [{ code }] });
    };
    await refused(usage(id, new Date(Date.now() - 25 * HOUR).toISOString()), "Expired");
    await refused(usage(id, new Date(Date.now() + HOUR).toISOString()), "Expired");
    await refused(usage(id, time, { dimension: "emails" }), "InvalidDimension");
    await refused(usage(id, time, { planId: "team-annual" }), "InvalidDimension");
    await refused(usage(id, time, { quantity: 0 }), "InvalidQuantity");
    await refused(usage(id, time, { quantity: "5" }), "BadArgument");
    await refused({ ...usage(id, time), resourceId: undefined, resourceUri: id }, "BadArgument");
    await refused(usage(randomUUID(), time), "ResourceNotFound");

    const pending = (await buy(emulator)).subscriptionId;
    await refused(usage(pending, time), "ResourceNotActive");
    const suspended = await subscribed();
    await setStatus(suspended, "Suspended");
    await refused(usage(suspended, time), "ResourceNotActive");

    const foreign = (await buy(emulator, { offerId: OTHER_PUBLISHERS_OFFER, planId: "basic" })).subscriptionId;
    const forbidden = await api(emulator, "POST", "/usageEvent", { token, body: usage(foreign, time) });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ code: "Forbidden" });
  });

  it("still takes the usage of the hours before an Unsubscribed subscription was cancelled", async () => {
    const id = await subscribed();
    await setStatus(id, "Unsubscribed");
    const response = await api(emulator, "POST", "/usageEvent", {
      token: await appToken(emulator),
      body: usage(id, plus(hoursAgo(3), 0)),
    });
    expect(response.status).toBe(200);
  });

  it("sits behind the fulfillment API's checks: bearer token and api-version", async () => {
    const id = await subscribed();
    const body = usage(id, plus(hoursAgo(2), 0));
    expect((await api(emulator, "POST", "/usageEvent", { body })).status).toBe(401);
    expect((await api(emulator, "POST", "/batchUsageEvent", { body: { request: [body] } })).status).toBe(401);
    expect((await api(emulator, "GET", "/usageEvents?usageStartDate=2026-01-01")).status).toBe(401);
    const token = await appToken(emulator);
    expect((await api(emulator, "POST", "/usageEvent", { token, body, apiVersion: "2022-01-01" })).status).toBe(400);
    const echoed = await api(emulator, "POST", "/usageEvent", { token, body, headers: { "x-ms-requestid": "req-9" } });
    expect(echoed.headers.get("x-ms-requestid")).toBe("req-9");
  });
});

describe("POST /batchUsageEvent", () => {
  it("answers each event with its own status in result[], with the count", async () => {
    const token = await appToken(emulator);
    const id = await subscribed();
    const perUser = await subscribed("per-user");
    const pending = (await buy(emulator)).subscriptionId;
    const foreign = (await buy(emulator, { offerId: OTHER_PUBLISHERS_OFFER, planId: "basic" })).subscriptionId;
    const hour = hoursAgo(4);
    const time = plus(hour, 20);
    const request = [
      usage(id, time),
      usage(id, plus(hour, 50), { quantity: 2 }),
      usage(id, new Date(Date.now() - 30 * HOUR).toISOString()),
      usage(randomUUID(), time),
      usage(foreign, time, { planId: "basic" }),
      usage(pending, time),
      usage(perUser, time, { planId: "per-user" }),
      usage(id, plus(hoursAgo(5), 0), { quantity: -1 }),
      "not an event",
    ];
    const response = await api(emulator, "POST", "/batchUsageEvent", { token, body: { request } });
    expect(response.status).toBe(200);
    const { count, result } = (await response.json()) as { count: number; result: Entry[] };
    expect(count).toBe(9);
    expect(result.map((entry) => entry.status)).toEqual([
      "Accepted",
      "Duplicate",
      "Expired",
      "ResourceNotFound",
      "ResourceNotAuthorized",
      "ResourceNotActive",
      "InvalidDimension",
      "InvalidQuantity",
      "BadArgument",
    ]);
    expect(result[1]!.error).toMatchObject({
      code: "Conflict",
      additionalInfo: { acceptedMessage: { usageEventId: result[0]!.usageEventId, status: "Duplicate" } },
    });
  });

  it("takes 1 to 25 events: more, or none, is a 400", async () => {
    const token = await appToken(emulator);
    const id = await subscribed();
    const events = (count: number) =>
      Array.from({ length: count }, (_, index) => usage(id, plus(hoursAgo(index % 20), 0)));
    const post = (request: unknown) => api(emulator, "POST", "/batchUsageEvent", { token, body: { request } });
    const tooMany = await post(events(26));
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ code: "BadArgument", message: expect.stringContaining("at most 25") });
    expect((await post([])).status).toBe(400);
    expect((await post("x")).status).toBe(400);
    const full = await post(events(25));
    expect(full.status).toBe(200);
    expect(((await full.json()) as { count: number }).count).toBe(25);
  });

  it("is safe to retry through the app's client: a 503 is retried, a resent batch comes back Duplicate", async () => {
    const client = meteringClient();
    const id = await subscribed();
    const events: UsageEvent[] = [
      usage(id, plus(hoursAgo(3), 0)) as UsageEvent,
      usage(id, plus(hoursAgo(2), 0), { quantity: 1.5 }) as UsageEvent,
    ];
    await ok(control(emulator, "marketplace/faults", { path: "batchUsageEvent$", status: 503 }));
    const first = await client.postUsageBatch(events);
    expect(first.results.map((result) => [result.status, result.outcome])).toEqual([
      ["Accepted", "sent"],
      ["Accepted", "sent"],
    ]);
    const again = await client.postUsageBatch(events);
    expect(again.results.map((result) => [result.status, result.outcome, result.usageEventId])).toEqual(
      first.results.map((result) => ["Duplicate", "sent", result.usageEventId]),
    );
    expect((await calls()).map((call) => [call.path, call.status, call.fault ?? false])).toEqual([
      ["/batchUsageEvent", 503, true],
      ["/batchUsageEvent", 200, false],
      ["/batchUsageEvent", 200, false],
    ]);
  });
});

describe("GET /usageEvents", () => {
  it("reads back the caller's accepted usage per day, filtered, emptied by a reset", async () => {
    const client = meteringClient();
    const id = await subscribed();
    const other = await subscribed("team-annual");
    await client.postUsageBatch([
      usage(id, plus(hoursAgo(3), 0), { quantity: 2 }) as UsageEvent,
      usage(id, plus(hoursAgo(2), 0), { quantity: 3 }) as UsageEvent,
      usage(other, plus(hoursAgo(2), 0), { planId: "team-annual" }) as UsageEvent,
    ]);
    const usageStartDate = new Date(Date.now() - 2 * 24 * HOUR);
    const mine = (await client.listUsageEvents({ usageStartDate })).filter((row) => row.usageResourceId === id);
    expect(mine.reduce((sum, row) => sum + (row.submittedQuantity ?? 0), 0)).toBe(5);
    expect(mine.reduce((sum, row) => sum + (row.submittedCount ?? 0), 0)).toBe(2);
    expect(mine[0]).toMatchObject({
      usageDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T00:00:00Z$/),
      dimension: "api-calls",
      planId: "team-monthly",
      offerId: "saas-starter",
      offerType: "SaaS",
      reconStatus: "Accepted",
    });
    const annual = await client.listUsageEvents({ usageStartDate, planId: "team-annual" });
    expect(annual.map((row) => row.usageResourceId)).toEqual([other]);
    expect(await client.listUsageEvents({ usageStartDate, dimension: "emails" })).toEqual([]);
    expect(await client.listUsageEvents({ usageStartDate, reconStatus: "Rejected" })).toEqual([]);
    const before = { usageStartDate: new Date(Date.now() - 5 * 24 * HOUR), usageEndDate: usageStartDate };
    expect(await client.listUsageEvents(before)).toEqual([]);

    const token = await appToken(emulator);
    expect((await api(emulator, "GET", "/usageEvents", { token })).status).toBe(400);
    expect((await api(emulator, "GET", "/usageEvents?usageStartDate=yesterday", { token })).status).toBe(400);

    await ok(control(emulator, "reset", {}));
    expect(await client.listUsageEvents({ usageStartDate })).toEqual([]);
  });
});
