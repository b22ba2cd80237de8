import { describe, expect, it } from "vitest";
import { MarketplaceBadRequest, MarketplaceConflict, MarketplaceThrottled } from "@/lib/marketplace/errors";
import { control } from "@/test/entra-emulator";
import { seed } from "./directory";
import { api, appToken, buy, fulfillmentClient, ok, withMarketplace } from "./marketplace.test-support";
import type { RunningEmulator } from "./server";

let emulator: RunningEmulator;
withMarketplace((running) => (emulator = running));

type Call = { method: string; path: string; status: number; subscriptionId?: string; fault?: boolean };
const calls = async () => ((await ok(control(emulator, "marketplace/calls"))) as { calls: Call[] }).calls;
const settings = (values: Record<string, number>) => ok(control(emulator, "marketplace/settings", values));

/** A Subscribed subscription of `planId`. */
async function subscribed(planId = "team-monthly", quantity?: number) {
  const client = fulfillmentClient(emulator);
  const { subscriptionId } = await buy(emulator, { planId, quantity });
  await client.activate(subscriptionId, { planId, quantity });
  return { client, subscriptionId };
}

describe("list available plans", () => {
  it("lists the offer's plans in Microsoft's shape, plan components included", async () => {
    const { client, subscriptionId } = await subscribed();
    const { plans } = await client.listAvailablePlans(subscriptionId);
    expect(plans.map((plan) => plan.planId)).toEqual(["team-monthly", "per-user", "team-annual"]);
    expect(plans[1]).toMatchObject({
      displayName: "Per user",
      isPricePerSeat: true,
      hasFreeTrials: true,
      isStopSell: false,
      minQuantity: 1,
      maxQuantity: 500,
      planComponents: { recurrentBillingTerms: [{ currency: "USD", price: 8, termUnit: "P1M" }] },
    });
    expect(plans[2]).toMatchObject({
      isPricePerSeat: false,
      planComponents: { recurrentBillingTerms: [{ termUnit: "P1Y" }] },
    });
  });
});

describe("change plan, change quantity, cancel", () => {
  it("answers 202 with an operation that stays InProgress, conflicts with a second change, and ends when answered", async () => {
    await settings({ operationDelayMs: 60_000 });
    const { client, subscriptionId } = await subscribed();
    const changed = await client.changePlan(subscriptionId, "per-user");
    expect(changed.operationLocation).toBe(
      `${emulator.marketplaceApiUrl}/saas/subscriptions/${subscriptionId}/operations/${changed.operationId}?api-version=2018-08-31`,
    );
    expect(await client.getOperation(subscriptionId, changed.operationId!)).toMatchObject({
      action: "ChangePlan",
      planId: "per-user",
      status: "InProgress",
      subscriptionId,
      publisherId: "adatum",
    });
    expect((await client.listOperations(subscriptionId)).map((operation) => operation.id)).toEqual([
      changed.operationId,
    ]);
    await expect(client.deleteSubscription(subscriptionId)).rejects.toBeInstanceOf(MarketplaceConflict);

    await client.updateOperation(subscriptionId, changed.operationId!, "Success");
    await client.updateOperation(subscriptionId, changed.operationId!, "Success"); // the same answer again is harmless
    await expect(client.updateOperation(subscriptionId, changed.operationId!, "Failure")).rejects.toBeInstanceOf(
      MarketplaceConflict,
    );
    expect(await client.getSubscription(subscriptionId)).toMatchObject({ planId: "per-user", quantity: 1 });
    expect(await client.listOperations(subscriptionId)).toEqual([]);

    const seats = await client.changeQuantity(subscriptionId, 12);
    await client.updateOperation(subscriptionId, seats.operationId!, "Failure");
    expect(await client.getOperation(subscriptionId, seats.operationId!)).toMatchObject({ status: "Failed" });
    expect((await client.getSubscription(subscriptionId)).quantity).toBe(1);
  });

  it("finishes an operation by itself after the operation delay", async () => {
    await settings({ operationDelayMs: 0 });
    const { client, subscriptionId } = await subscribed("per-user", 2);
    const seats = await client.changeQuantity(subscriptionId, 5);
    expect(await client.getOperation(subscriptionId, seats.operationId!)).toMatchObject({ status: "Succeeded" });
    expect((await client.getSubscription(subscriptionId)).quantity).toBe(5);

    const cancelled = await client.deleteSubscription(subscriptionId);
    expect(await client.getOperation(subscriptionId, cancelled.operationId!)).toMatchObject({ action: "Unsubscribe" });
    expect((await client.getSubscription(subscriptionId)).saasSubscriptionStatus).toBe("Unsubscribed");
  });

  it("refuses a change of both, of neither, to the same plan, of seats on a flat plan, and by a CSP customer", async () => {
    const { client, subscriptionId } = await subscribed();
    const token = await appToken(emulator);
    const patch = (body: unknown) => api(emulator, "PATCH", `/saas/subscriptions/${subscriptionId}`, { token, body });
    expect((await patch({ planId: "per-user", quantity: 3 })).status).toBe(400);
    expect((await patch({})).status).toBe(400);
    expect((await patch({ planId: "team-monthly" })).status).toBe(400);
    expect((await patch({ planId: "no-such-plan" })).status).toBe(400);
    await expect(client.changeQuantity(subscriptionId, 3)).rejects.toBeInstanceOf(MarketplaceBadRequest);

    const forCustomer = await buy(emulator, { beneficiaryTenantId: seed.fabrikam });
    await client.activate(forCustomer.subscriptionId, { planId: "team-monthly" });
    const csp = await client.getSubscription(forCustomer.subscriptionId);
    expect(csp).toMatchObject({
      allowedCustomerOperations: ["Read"],
      purchaser: { tenantId: seed.contoso },
      beneficiary: { tenantId: seed.fabrikam, emailId: "ian@fabrikam.com" },
    });
    await expect(client.changePlan(forCustomer.subscriptionId, "team-annual")).rejects.toBeInstanceOf(
      MarketplaceBadRequest,
    );
  });
});

describe("faults and the call log", () => {
  it("fails the next matching calls as asked (429 with Retry-After, 500), then answers again", async () => {
    const client = fulfillmentClient(emulator);
    const purchase = await buy(emulator);
    await ok(
      control(emulator, "marketplace/faults", {
        path: "POST /saas/subscriptions/resolve",
        status: 429,
        retryAfterSeconds: 0,
        times: 2,
      }),
    );
    await ok(control(emulator, "marketplace/faults", { path: "/activate$", method: "POST", status: 500 }));
    expect((await client.resolve(purchase.token)).id).toBe(purchase.subscriptionId);
    await client.activate(purchase.subscriptionId, { planId: "team-monthly" });

    const log = await calls();
    expect(
      log.filter((call) => call.path.endsWith("/resolve")).map((call) => [call.status, call.fault ?? false]),
    ).toEqual([
      [429, true],
      [429, true],
      [200, false],
    ]);
    expect(log.filter((call) => call.path.endsWith("/activate")).map((call) => call.status)).toEqual([500, 200]);
    expect(log.at(-1)).toMatchObject({ subscriptionId: purchase.subscriptionId, requestId: expect.any(String) });

    await ok(
      control(emulator, "marketplace/faults", {
        path: "GET /saas/subscriptions$",
        status: 429,
        times: 2,
        retryAfterSeconds: 120,
      }),
    );
    const throttled = await api(emulator, "GET", "/saas/subscriptions", { token: await appToken(emulator) });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("120");
    // Longer than the client waits: it gives up at once, saying how long Microsoft asked for.
    const listing = client.listSubscriptions()[Symbol.asyncIterator]().next();
    await expect(listing).rejects.toBeInstanceOf(MarketplaceThrottled);
  });

  it("can be slow rather than fail, and is emptied by POST /_emulator/reset", async () => {
    await ok(control(emulator, "marketplace/faults", { path: "/saas/subscriptions", delayMs: 300 }));
    const started = Date.now();
    expect((await api(emulator, "GET", "/saas/subscriptions", { token: await appToken(emulator) })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await buy(emulator);
    await ok(control(emulator, "reset", {}));
    expect(await calls()).toEqual([]);
    expect(
      ((await ok(control(emulator, "marketplace/subscriptions"))) as { subscriptions: unknown[] }).subscriptions,
    ).toEqual([]);
  });
});
