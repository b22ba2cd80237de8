import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { databaseTargets, migratedDatabase } from "@/test/databases";
import { admitUser } from "../tenants/trial";
import { MarketplaceNotFound, MarketplaceUnavailable } from "./errors";
import { operationSchema, subscriptionSchema } from "./schemas";
import { handleNotification, notificationSchema, type Notification } from "./webhook";

type Op = { id: string; action: string; planId?: string; quantity?: number; status: string; timeStamp: string };

/** A fake fulfillment API that knows `operations` and records PATCHes and Get Operation calls. */
function marketplace(subscriptionId: string, operations: Op[]) {
  const calls = { get: 0, patch: [] as { id: string; status: string }[] };
  let failNext = false;
  return {
    calls,
    failNextGet: () => (failNext = true),
    client: {
      async getOperation(subscription: string, id: string) {
        calls.get++;
        if (failNext) {
          failNext = false;
          throw new MarketplaceUnavailable(
            { operation: "getOperation", status: 503, requestId: null, correlationId: null },
            "server",
          );
        }
        const op = operations.find((candidate) => candidate.id === id);
        if (!op || subscription !== subscriptionId)
          throw new MarketplaceNotFound({
            operation: "getOperation",
            status: 404,
            requestId: null,
            correlationId: null,
          });
        return operationSchema.parse({ ...op, subscriptionId, offerId: "saas-starter", publisherId: "adatum" });
      },
      async updateOperation(_subscription: string, id: string, status: "Success" | "Failure") {
        calls.patch.push({ id, status });
      },
      async getSubscription(id: string) {
        return subscriptionSchema.parse({
          id,
          publisherId: "adatum",
          offerId: "saas-starter",
          planId: "per-user",
          saasSubscriptionStatus: "Subscribed",
          purchaser: { tenantId: randomUUID() },
          beneficiary: { tenantId: randomUUID() },
          term: { startDate: "2026-12-21T00:00:00Z", endDate: "2027-01-20T00:00:00Z", termUnit: "P1M" },
        });
      },
    },
  };
}

const at = (minute: number) => new Date(Date.UTC(2026, 10, 21, 9, minute)).toISOString();

describe.each(databaseTargets)("the marketplace webhook on $name", (target) => {
  const db = migratedDatabase(target, { poolMax: target.name === "PGlite" ? 1 : 10 });
  const instant = { sleep: async () => {}, waitMs: 2_000 };

  /** A Contoso-like tenant with `people` people and an ACTIVE per-user subscription of `seats`. */
  async function customer(options: { people?: number; seats?: number | null } = {}) {
    const tid = randomUUID();
    const userIds: string[] = [];
    for (let index = 0; index < (options.people ?? 1); index++) {
      const admission = await admitUser(
        db.prisma,
        { tid, oid: randomUUID(), name: `Person ${index}` },
        { days: 30, mode: "customer" },
      );
      userIds.push(admission.userId);
    }
    const subscriptionId = randomUUID();
    const seats = options.seats === undefined ? 5 : options.seats;
    await db.prisma.tenant.update({ where: { id: tid }, data: { status: "ACTIVE", trialEndsAt: null } });
    await db.prisma.subscription.create({
      data: {
        id: subscriptionId,
        tenantId: tid,
        offerId: "saas-starter",
        planId: seats === null ? "team-monthly" : "per-user",
        quantity: seats,
        status: "SUBSCRIBED",
        purchaserTenantId: tid,
        beneficiaryTenantId: tid,
      },
    });
    if (seats !== null) {
      await db.prisma.tenant.update({ where: { id: tid }, data: { seatLimit: seats } });
      await db.prisma.user.updateMany({ where: { tenantId: tid }, data: { seatAssignedAt: new Date() } });
    }
    return { tid, subscriptionId, userIds };
  }

  const notification = (subscriptionId: string, op: Op, extra: Partial<Notification> = {}): Notification =>
    notificationSchema.parse({ ...op, subscriptionId, activityId: randomUUID(), offerId: "saas-starter", ...extra });

  const events = (tid: string, type: string) =>
    db.prisma.auditEvent.findMany({ where: { tenantId: tid, type }, orderBy: { occurredAt: "asc" } });

  it("suspends the tenant (reason: marketplace) once, however often the operation arrives", async () => {
    const { tid, subscriptionId } = await customer();
    const op: Op = { id: randomUUID(), action: "Suspend", status: "Succeeded", timeStamp: at(1) };
    const { client, calls } = marketplace(subscriptionId, [op]);
    const first = await handleNotification(db.prisma, client, notification(subscriptionId, op), instant);
    expect(first.kind).toBe("applied");
    const tenant = await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } });
    expect(tenant).toMatchObject({ status: "SUSPENDED", suspensionReason: "MARKETPLACE" });
    expect(await db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } })).toMatchObject({
      status: "SUSPENDED",
      lastOperationAt: new Date(at(1)),
    });

    const again = await handleNotification(db.prisma, client, notification(subscriptionId, op), instant);
    expect(again).toEqual({ kind: "repeat", outcome: "applied" });
    expect(calls.get).toBe(1); // a repeat does not even ask Microsoft again
    const suspended = await events(tid, "tenant.suspended");
    expect(suspended).toHaveLength(1);
    expect(suspended[0]!.detail).toMatchObject({ operationId: op.id, subscriptionId });
    expect((await events(tid, "subscription.suspended"))[0]!.detail).toMatchObject({ operationId: op.id });
  });

  it("applies one of two deliveries of the same operation arriving at once", async () => {
    const { tid, subscriptionId } = await customer();
    const op: Op = { id: randomUUID(), action: "Unsubscribe", status: "Succeeded", timeStamp: at(2) };
    const { client } = marketplace(subscriptionId, [op]);
    const outcomes = await Promise.all(
      [1, 2, 3].map(() => handleNotification(db.prisma, client, notification(subscriptionId, op), { waitMs: 10_000 })),
    );
    expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(["applied", "repeat", "repeat"]);
    expect(await events(tid, "tenant.ended")).toHaveLength(1);
  });

  it("never lets an older operation undo a newer one", async () => {
    const { tid, subscriptionId } = await customer();
    const suspend: Op = { id: randomUUID(), action: "Suspend", status: "Succeeded", timeStamp: at(3) };
    const reinstate: Op = { id: randomUUID(), action: "Reinstate", status: "Succeeded", timeStamp: at(4) };
    const { client } = marketplace(subscriptionId, [suspend, reinstate]);
    // The Reinstate arrives first; the Suspend it followed comes late.
    expect((await handleNotification(db.prisma, client, notification(subscriptionId, reinstate), instant)).kind).toBe(
      "applied",
    );
    expect(await handleNotification(db.prisma, client, notification(subscriptionId, suspend), instant)).toEqual({
      kind: "ignored",
      reason: "stale",
    });
    expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } })).status).toBe("ACTIVE");
    expect((await db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } })).status).toBe(
      "SUBSCRIBED",
    );
  });

  it("changes nothing for an operation the API does not know, or one that differs from the payload", async () => {
    const { tid, subscriptionId } = await customer();
    const known: Op = { id: randomUUID(), action: "Suspend", status: "Succeeded", timeStamp: at(5) };
    const { client } = marketplace(subscriptionId, [known]);
    const unknown = notification(subscriptionId, { ...known, id: randomUUID(), action: "Unsubscribe" });
    expect(await handleNotification(db.prisma, client, unknown, instant)).toEqual({
      kind: "ignored",
      reason: "unconfirmed",
    });
    // The payload says Unsubscribe, the API says this operation is a Suspend.
    const lying = notification(subscriptionId, { ...known, action: "Unsubscribe" });
    expect(await handleNotification(db.prisma, client, lying, instant)).toEqual({
      kind: "ignored",
      reason: "mismatch",
    });
    expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } })).status).toBe("ACTIVE");
    expect((await db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } })).status).toBe(
      "SUBSCRIBED",
    );
    expect(await events(tid, "tenant.suspended")).toHaveLength(0);
  });

  it("leaves nothing half-done when the API fails: the next delivery applies it", async () => {
    const { tid, subscriptionId } = await customer();
    const op: Op = { id: randomUUID(), action: "Suspend", status: "Succeeded", timeStamp: at(6) };
    const api = marketplace(subscriptionId, [op]);
    api.failNextGet();
    await expect(handleNotification(db.prisma, api.client, notification(subscriptionId, op), instant)).rejects.toThrow(
      MarketplaceUnavailable,
    );
    expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } })).status).toBe("ACTIVE");
    expect((await handleNotification(db.prisma, api.client, notification(subscriptionId, op), instant)).kind).toBe(
      "applied",
    );
  });

  it("asks the policy about a seat change in progress: fewer seats than people is refused, more is accepted", async () => {
    const { tid, subscriptionId } = await customer({ people: 3, seats: 5 });
    const fewer: Op = {
      id: randomUUID(),
      action: "ChangeQuantity",
      quantity: 2,
      status: "InProgress",
      timeStamp: at(7),
    };
    const more: Op = {
      id: randomUUID(),
      action: "ChangeQuantity",
      quantity: 8,
      status: "InProgress",
      timeStamp: at(8),
    };
    const { client, calls } = marketplace(subscriptionId, [fewer, more]);
    const refused = await handleNotification(db.prisma, client, notification(subscriptionId, fewer), instant);
    expect(refused).toEqual({ kind: "refused", reason: expect.stringContaining("2 seat(s) asked for, but 3 people") });
    expect((await db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } })).quantity).toBe(5);
    expect(await handleNotification(db.prisma, client, notification(subscriptionId, more), instant)).toMatchObject({
      kind: "applied",
    });
    expect(calls.patch).toEqual([
      { id: fewer.id, status: "Failure" },
      { id: more.id, status: "Success" },
    ]);
    expect((await db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } })).quantity).toBe(8);
    expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } })).seatLimit).toBe(8);
    expect(await events(tid, "subscription.change_refused")).toHaveLength(1);
  });

  it("follows a plan change Microsoft already made (to a flat rate: no seat limit)", async () => {
    const { tid, subscriptionId } = await customer({ seats: 5 });
    const op: Op = {
      id: randomUUID(),
      action: "ChangePlan",
      planId: "team-monthly",
      status: "Succeeded",
      timeStamp: at(9),
    };
    const { client, calls } = marketplace(subscriptionId, [op]);
    expect((await handleNotification(db.prisma, client, notification(subscriptionId, op), instant)).kind).toBe(
      "applied",
    );
    expect(calls.patch).toEqual([]);
    expect(await db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } })).toMatchObject({
      planId: "team-monthly",
      quantity: null,
    });
    expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } })).seatLimit).toBeNull();
  });

  it("ends the tenant on Unsubscribe, keeping its data for the retention period", async () => {
    const { tid, subscriptionId } = await customer();
    const op: Op = { id: randomUUID(), action: "Unsubscribe", status: "Succeeded", timeStamp: at(10) };
    const { client } = marketplace(subscriptionId, [op]);
    const before = Date.now();
    await handleNotification(db.prisma, client, notification(subscriptionId, op), { ...instant, retentionDays: 30 });
    const tenant = await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid }, include: { users: true } });
    expect(tenant.status).toBe("ENDED");
    expect(tenant.dataRetainedUntil!.getTime()).toBeGreaterThanOrEqual(before + 30 * 86_400_000);
    expect(tenant.users).toHaveLength(1); // nothing deleted
  });

  it("does not lift an operator's suspension on a marketplace Reinstate", async () => {
    const { tid, subscriptionId } = await customer();
    await db.prisma.tenant.update({
      where: { id: tid },
      data: { status: "SUSPENDED", statusBeforeSuspension: "ACTIVE", suspensionReason: "OPERATOR" },
    });
    const op: Op = { id: randomUUID(), action: "Reinstate", status: "Succeeded", timeStamp: at(11) };
    const { client } = marketplace(subscriptionId, [op]);
    const outcome = await handleNotification(db.prisma, client, notification(subscriptionId, op), instant);
    expect(outcome).toMatchObject({ kind: "applied", detail: { tenant: "unchanged" } });
    expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } })).status).toBe("SUSPENDED");
  });

  it("takes the new term from the subscription on Renew", async () => {
    const { subscriptionId } = await customer();
    const op: Op = { id: randomUUID(), action: "Renew", status: "Succeeded", timeStamp: at(12) };
    const { client } = marketplace(subscriptionId, [op]);
    await handleNotification(db.prisma, client, notification(subscriptionId, op), instant);
    expect(await db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } })).toMatchObject({
      termStartsAt: new Date("2026-12-21T00:00:00Z"),
      termEndsAt: new Date("2027-01-20T00:00:00Z"),
    });
  });
});
