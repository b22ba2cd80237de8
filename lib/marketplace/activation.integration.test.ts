import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { databaseTargets, migratedDatabase } from "@/test/databases";
import { accessOf } from "@/test/sessions";
import { admitUser } from "../tenants/trial";
import { activatePurchase, activationRight, LEASE_MS, purchaseOf, type Purchase } from "./activation";
import { MarketplaceUnavailable } from "./errors";
import { resolvedSubscriptionSchema, subscriptionSchema } from "./schemas";

/** A fake marketplace: counts activate calls; each takes `delayMs`, as a real call takes time. */
function marketplace(options: { delayMs?: number; status?: string; failFirst?: boolean } = {}) {
  const state = { status: options.status ?? "PendingFulfillmentStart", activateCalls: 0, getCalls: 0 };
  let fail = options.failFirst ?? false;
  return {
    state,
    client: {
      async activate() {
        state.activateCalls++;
        await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 0));
        state.status = "Subscribed";
        if (fail) {
          // The call reached Microsoft, but its answer was lost (a timeout on our side).
          fail = false;
          throw new MarketplaceUnavailable(
            { operation: "activate", status: null, requestId: null, correlationId: null },
            "timeout",
          );
        }
      },
      async getSubscription(id: string) {
        state.getCalls++;
        return subscriptionSchema.parse({ ...body(id, "", "").subscription, saasSubscriptionStatus: state.status });
      },
    },
  };
}

function body(id: string, tid: string, oid: string, beneficiary?: { tid: string; oid: string }) {
  const purchaser = { emailId: "megan@contoso.com", objectId: oid, tenantId: tid || randomUUID(), puid: "1" };
  return {
    id,
    subscriptionName: "Contoso's subscription",
    offerId: "saas-starter",
    planId: "per-user",
    quantity: 5,
    subscription: {
      id,
      publisherId: "adatum",
      offerId: "saas-starter",
      planId: "per-user",
      quantity: 5,
      purchaser,
      beneficiary: beneficiary
        ? { emailId: "it@fabrikam.com", objectId: beneficiary.oid, tenantId: beneficiary.tid, puid: "2" }
        : purchaser,
      saasSubscriptionStatus: "PendingFulfillmentStart",
      isFreeTrial: false,
      term: { startDate: "2026-11-21T00:00:00Z", endDate: "2026-12-20T00:00:00Z", termUnit: "P1M" },
    },
  };
}

describe.each(databaseTargets)("activating a marketplace purchase on $name", (target) => {
  const db = migratedDatabase(target, { poolMax: target.name === "PGlite" ? 1 : 10 });
  const trial = { days: 30, mode: "customer" as const };

  async function buyer() {
    const tid = randomUUID();
    const oid = randomUUID();
    const admission = await admitUser(db.prisma, { tid, oid, name: "Megan", email: "megan@contoso.com" }, trial);
    const access = await accessOf(db.prisma, admission.userId, tid);
    const purchase: Purchase = purchaseOf(resolvedSubscriptionSchema.parse(body(randomUUID(), tid, oid)));
    return { tid, oid, access, purchase };
  }

  it("converts the purchaser's running trial: one activate call, one subscription row, the tenant ACTIVE, audited", async () => {
    const { tid, purchase } = await buyer();
    const { client, state } = marketplace();
    const outcome = await activatePurchase(db.prisma, client, purchase, "user:x");
    expect(outcome).toEqual({ kind: "activated", subscriptionId: purchase.subscriptionId, tenantId: tid });
    expect(state.activateCalls).toBe(1);
    expect(await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } })).toMatchObject({ status: "ACTIVE" });
    expect(await db.prisma.subscription.findUniqueOrThrow({ where: { id: purchase.subscriptionId } })).toMatchObject({
      tenantId: tid,
      planId: "per-user",
      quantity: 5,
      status: "SUBSCRIBED",
      purchaserEmail: "megan@contoso.com",
    });
    const events = await db.prisma.auditEvent.findMany({ where: { tenantId: tid }, orderBy: { occurredAt: "asc" } });
    // One transaction writes the last three: the same time stamp, so compared as a set.
    expect(events.map((event) => event.type).sort()).toEqual(
      [
        "tenant.trial_started",
        "tenant.activated",
        "subscription.activated",
        // A per-user plan: its seats go to the workspace's people (lib/tenants/seats.ts).
        "tenant.seats_changed",
      ].sort(),
    );
    expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } })).seatLimit).toBe(5);

    // Coming back ("Manage account"): never a second activation.
    expect(await activatePurchase(db.prisma, client, purchase, "user:x")).toMatchObject({ kind: "already-active" });
    expect(state.activateCalls).toBe(1);
  });

  it("makes one activate call and one row when five submits race", async () => {
    const { purchase } = await buyer();
    const { client, state } = marketplace({ delayMs: 200 });
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => activatePurchase(db.prisma, client, purchase, "user:x", { waitMs: 10_000 })),
    );
    expect(state.activateCalls).toBe(1);
    expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual([
      "activated",
      "already-active",
      "already-active",
      "already-active",
      "already-active",
    ]);
    expect(await db.prisma.subscription.count({ where: { id: purchase.subscriptionId } })).toBe(1);
  });

  it("after a timeout whose call did reach Microsoft, the retry asks first and does not activate again", async () => {
    const { tid, purchase } = await buyer();
    const { client, state } = marketplace({ failFirst: true });
    await expect(activatePurchase(db.prisma, client, purchase, "user:x")).rejects.toBeInstanceOf(
      MarketplaceUnavailable,
    );
    expect(await db.prisma.subscription.count({ where: { id: purchase.subscriptionId } })).toBe(0);
    expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } })).status).toBe("TRIAL");

    expect(await activatePurchase(db.prisma, client, purchase, "user:x")).toMatchObject({ kind: "activated" });
    expect(state).toMatchObject({ activateCalls: 1, getCalls: 1 });
  });

  it("waits for another request's claim, and says 'in progress' when it outlasts the wait", async () => {
    const { purchase } = await buyer();
    await db.prisma.marketplaceActivation.create({
      data: { subscriptionId: purchase.subscriptionId, claimedAt: new Date(), claimedBy: "another request" },
    });
    const { client, state } = marketplace();
    let clock = Date.now();
    const outcome = await activatePurchase(db.prisma, client, purchase, "user:x", {
      now: () => new Date(clock),
      sleep: async (ms) => void (clock += ms),
      waitMs: 1_000,
    });
    expect(outcome).toEqual({ kind: "in-progress" });
    expect(state.activateCalls).toBe(0);
    // Past the lease, the claim is taken over: the subscription is read first, then activated.
    clock += LEASE_MS;
    expect(await activatePurchase(db.prisma, client, purchase, "user:x", { now: () => new Date(clock) })).toMatchObject(
      { kind: "activated" },
    );
    expect(state).toMatchObject({ activateCalls: 1, getCalls: 1 });
  });

  it("creates the beneficiary's workspace, ACTIVE, when a partner bought for an organization the app never met", async () => {
    const { access, tid, oid } = await buyer();
    const beneficiary = { tid: randomUUID(), oid: randomUUID() };
    const purchase = purchaseOf(resolvedSubscriptionSchema.parse(body(randomUUID(), tid, oid, beneficiary)));
    expect(await activationRight(db.prisma, purchase, access, { beneficiaryAdminsMayActivate: false })).toEqual({
      may: true,
      as: "purchaser",
    });
    const { client } = marketplace();
    expect(await activatePurchase(db.prisma, client, purchase, "user:x")).toMatchObject({
      kind: "activated",
      tenantId: beneficiary.tid,
    });
    expect(await db.prisma.tenant.findUniqueOrThrow({ where: { id: beneficiary.tid } })).toMatchObject({
      status: "ACTIVE",
      displayName: "fabrikam.com",
    });
    // The purchaser's own trial is untouched.
    expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } })).status).toBe("TRIAL");
  });

  it("lets only the purchaser activate, or the beneficiary's admin where allowed; never someone holding the link", async () => {
    const { purchase } = await buyer();
    const stranger = await buyer();
    expect(await activationRight(db.prisma, purchase, stranger.access, { beneficiaryAdminsMayActivate: true })).toEqual(
      { may: false, reason: "not-purchaser" },
    );
    // A colleague in the purchaser's tenant: a member may not, an admin may where the ISV allows it.
    const tid = purchase.beneficiary.tenantId;
    const colleague = await admitUser(db.prisma, { tid, oid: randomUUID(), name: "Alex" }, trial);
    const colleagueAccess = await accessOf(db.prisma, colleague.userId, tid);
    expect(await activationRight(db.prisma, purchase, colleagueAccess, { beneficiaryAdminsMayActivate: true })).toEqual(
      { may: false, reason: "not-purchaser" },
    );
    await db.prisma.user.update({ where: { id: colleague.userId }, data: { role: "ADMIN" } });
    expect(await activationRight(db.prisma, purchase, colleagueAccess, { beneficiaryAdminsMayActivate: true })).toEqual(
      { may: true, as: "beneficiary-admin" },
    );
    expect(
      await activationRight(db.prisma, purchase, colleagueAccess, { beneficiaryAdminsMayActivate: false }),
    ).toEqual({ may: false, reason: "not-purchaser" });
  });

  it("calls nothing for an unsubscribed purchase or a suspended workspace", async () => {
    const { tid, purchase } = await buyer();
    const { client, state } = marketplace();
    expect(await activatePurchase(db.prisma, client, { ...purchase, status: "Unsubscribed" }, "user:x")).toEqual({
      kind: "unsubscribed",
    });
    await db.prisma.tenant.update({ where: { id: tid }, data: { status: "SUSPENDED" } });
    expect(await activatePurchase(db.prisma, client, purchase, "user:x")).toEqual({ kind: "tenant-suspended" });
    expect(state.activateCalls).toBe(0);
    expect(await db.prisma.subscription.count({ where: { tenantId: tid } })).toBe(0);
  });
});
