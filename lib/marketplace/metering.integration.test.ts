import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { databaseTargets, migratedDatabase } from "@/test/databases";
import { accessOf } from "@/test/sessions";
import { admitUser } from "../tenants/trial";
import { aggregateUsage, billablePart, recordUsage, sendUsage } from "./metering";
import { classifyUsageStatus, type UsageEvent, type UsageEventResult } from "./metering-api";

const HOUR = 3_600_000;
const quiet = { warn: () => {}, info: () => {} };

/** A fake metering API answering each event with `statusOf(event)`; it keeps what it was sent. */
function marketplace(statusOf: (event: UsageEvent) => string = () => "Accepted") {
  const received: UsageEvent[] = [];
  let failNext = false;
  return {
    received,
    failNextBatch: () => (failNext = true),
    client: {
      async postUsageBatch(events: UsageEvent[]) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (failNext) {
          failNext = false;
          throw new Error("503 from the marketplace");
        }
        received.push(...events);
        const results: UsageEventResult[] = events.map((event) => {
          const status = statusOf(event);
          return {
            event: { ...event, effectiveStartTime: new Date(event.effectiveStartTime).toISOString() },
            status,
            outcome: classifyUsageStatus(status),
            usageEventId: status === "Accepted" ? randomUUID() : null,
          };
        });
        return { results, requestId: "r", correlationId: "c" };
      },
    },
  };
}

describe("billablePart", () => {
  it("bills only what lies above the included quantity of the term", () => {
    expect(billablePart(0, 998, 1000)).toBe(0);
    expect(billablePart(998, 5, 1000)).toBe(3);
    expect(billablePart(1003, 4, 1000)).toBe(4);
    expect(billablePart(0, 7, 0)).toBe(7);
  });
});

// The tests share one database: the aggregator and the sender work on every subscription, so
// each test looks at its own subscriptions' rows only.
describe.each(databaseTargets)("metered usage on $name", (target) => {
  const db = migratedDatabase(target, { poolMax: target.name === "PGlite" ? 1 : 10 });

  /** An organization with a SUBSCRIBED subscription of `planId`, and its admin's access. */
  async function customer(planId = "team-monthly") {
    const tid = randomUUID();
    const { userId } = await admitUser(
      db.prisma,
      { tid, oid: randomUUID(), name: "Megan" },
      { days: 30, mode: "customer" },
    );
    const access = await accessOf(db.prisma, userId, tid);
    const subscriptionId = randomUUID();
    await db.prisma.subscription.create({
      data: {
        id: subscriptionId,
        tenantId: tid,
        offerId: "saas-starter",
        planId,
        status: "SUBSCRIBED",
        purchaserTenantId: tid,
        beneficiaryTenantId: tid,
        termStartsAt: new Date("2026-11-01T00:00:00Z"),
      },
    });
    return { tid, access, subscriptionId };
  }
  const hours = (subscriptionId: string) =>
    db.prisma.meteredHour.findMany({ where: { subscriptionId }, orderBy: { hour: "asc" } });

  it("records usage only against a live subscription whose plan meters the dimension", async () => {
    const { access, subscriptionId } = await customer();
    expect(await recordUsage(db.prisma, access, "notes", 1)).toEqual({ recorded: true });
    expect(await recordUsage(db.prisma, access, "seats-of-gold", 1)).toEqual({
      recorded: false,
      reason: "not-metered",
    });
    await db.prisma.subscription.update({ where: { id: subscriptionId }, data: { status: "SUSPENDED" } });
    expect(await recordUsage(db.prisma, access, "notes", 1)).toEqual({ recorded: false, reason: "no-subscription" });
    await expect(recordUsage(db.prisma, access, "notes", 0)).rejects.toThrow("quantity");
    expect(await db.prisma.usageRecord.count({ where: { subscriptionId } })).toBe(1);
  });

  it("counts complete hours only, bills above the included quantity, and sends each hour once", async () => {
    const { access, subscriptionId } = await customer();
    const now = new Date("2026-11-21T12:20:00Z");
    const at = (hour: number, minute: number) => new Date(Date.UTC(2026, 10, 21, hour, minute));
    await recordUsage(db.prisma, access, "notes", 600, at(9, 10));
    await recordUsage(db.prisma, access, "notes", 398, at(9, 50));
    await recordUsage(db.prisma, access, "notes", 5, at(10, 30));
    await recordUsage(db.prisma, access, "notes", 7, at(12, 5)); // the running hour: not yet
    // Two aggregators at once (two instances): the same result as one.
    await Promise.all([aggregateUsage(db.prisma, now), aggregateUsage(db.prisma, now)]);
    expect(await db.prisma.usageRecord.count({ where: { subscriptionId, aggregatedAt: null } })).toBe(1);
    const rows = (await hours(subscriptionId)).map((row) => [
      row.hour.toISOString(),
      Number(row.quantity),
      Number(row.billable),
      row.status,
    ]);
    expect(rows).toEqual([
      ["2026-11-21T09:00:00.000Z", 998, 0, "INCLUDED"],
      ["2026-11-21T10:00:00.000Z", 5, 3, "PENDING"],
    ]);

    const api = marketplace();
    const mine = () => api.received.filter((event) => event.resourceId === subscriptionId);
    // Two senders at once (the queue and the cron route): each hour reaches Microsoft once.
    await Promise.all([
      sendUsage(db.prisma, api.client, { now: () => now, log: quiet }),
      sendUsage(db.prisma, api.client, { now: () => now, log: quiet }),
    ]);
    expect(mine()).toEqual([
      {
        resourceId: subscriptionId,
        planId: "team-monthly",
        dimension: "notes",
        quantity: 3,
        effectiveStartTime: new Date("2026-11-21T10:00:00Z"),
      },
    ]);
    expect((await hours(subscriptionId))[1]).toMatchObject({ status: "SENT", marketplaceStatus: "Accepted" });
    await sendUsage(db.prisma, api.client, { now: () => new Date(now.getTime() + 2 * HOUR), log: quiet });
    expect(mine()).toHaveLength(1);
  });

  it("acts on each event's own answer: refused for good, or tried again later; a failed batch waits its backoff", async () => {
    const expired = await customer();
    const later = await customer();
    const now = new Date("2026-11-21T15:20:00Z");
    for (const { access } of [expired, later]) {
      await recordUsage(db.prisma, access, "notes", 1_200, new Date("2026-11-21T14:10:00Z"));
    }
    await aggregateUsage(db.prisma, now);
    const api = marketplace((event) => (event.resourceId === expired.subscriptionId ? "Expired" : "Error"));
    const states = async () =>
      [...(await hours(expired.subscriptionId)), ...(await hours(later.subscriptionId))].map((row) => [
        row.status,
        row.marketplaceStatus,
        row.attempts,
      ]);
    api.failNextBatch();
    await sendUsage(db.prisma, api.client, { now: () => now, log: quiet });
    expect(await states()).toEqual([
      ["PENDING", null, 1],
      ["PENDING", null, 1],
    ]);
    // Nothing is due again before its backoff.
    await sendUsage(db.prisma, api.client, { now: () => now, log: quiet });
    expect(api.received.filter((event) => event.resourceId === later.subscriptionId)).toHaveLength(0);
    await sendUsage(db.prisma, api.client, { now: () => new Date(now.getTime() + 10 * 60_000), log: quiet });
    expect(await states()).toEqual([
      ["REJECTED", "Expired", 2],
      ["PENDING", "Error", 2],
    ]);
  });

  it("sends many hours in batches of at most 25, billing only above the included quantity", async () => {
    const subscriptions = [];
    for (let index = 0; index < 5; index++) subscriptions.push(await customer("team-annual"));
    const now = new Date("2026-11-22T00:20:00Z");
    for (const { access } of subscriptions) {
      for (let hour = 0; hour < 12; hour++) {
        await recordUsage(db.prisma, access, "api-calls", 200, new Date(Date.UTC(2026, 10, 21, 12 + hour, 1)));
      }
    }
    await aggregateUsage(db.prisma, now);
    const sizes: number[] = [];
    const api = marketplace();
    const counting = {
      postUsageBatch: (events: UsageEvent[]) => {
        sizes.push(events.length);
        return api.client.postUsageBatch(events);
      },
    };
    await sendUsage(db.prisma, counting, { now: () => now, log: quiet });
    const ids = new Set<string>(subscriptions.map((subscription) => subscription.subscriptionId));
    const mine = api.received.filter((event) => ids.has(event.resourceId));
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.max(...sizes)).toBe(25); // 30 hours or more to send: full batches of 25, never more
    // 200 an hour against 1,200 included in the term: six hours included, six billed, each once.
    expect(mine).toHaveLength(30);
    expect(new Set(mine.map((event) => `${event.resourceId}${String(event.effectiveStartTime)}`)).size).toBe(30);
    const statuses = await db.prisma.meteredHour.groupBy({
      by: ["status"],
      where: { subscriptionId: { in: [...ids] } },
      _count: true,
    });
    expect(Object.fromEntries(statuses.map((row) => [row.status, row._count]))).toEqual({ INCLUDED: 30, SENT: 30 });
  });
});
