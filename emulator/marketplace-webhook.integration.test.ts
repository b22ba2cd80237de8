import { createRemoteJWKSet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { MarketplaceConflict } from "@/lib/marketplace/errors";
import { control } from "@/test/entra-emulator";
import { PUBLISHER_TENANT_ID } from "./directory";
import { buy, fulfillmentApp, LANDING_PAGE, ok, withMarketplace } from "./marketplace.test-support";
import {
  customer,
  customerOperation,
  deliveries,
  publisher,
  setStatus,
  settings,
  sleep,
  until,
  webhookLog,
  withWebhookReceiver,
} from "./marketplace-webhook.test-support";
import type { RunningEmulator } from "./server";

let emulator: RunningEmulator;
withMarketplace((running) => (emulator = running));
const receiver = withWebhookReceiver(() => emulator);

const MARKETPLACE = "20e940b3-4c77-4b0b-9a53-9e16a1b010a7";

/** A Subscribed subscription of `planId`, and the app's fulfillment client. */
async function subscribed(planId = "team-monthly", quantity?: number) {
  const client = publisher(emulator);
  const { subscriptionId } = await buy(emulator, { planId, quantity });
  await client.activate(subscriptionId, { planId, quantity });
  return { client, subscriptionId };
}

type Operation = { id: string; status: string; errorMessage: string };
async function operation(id: string): Promise<Operation> {
  const { operations } = (await ok(control(emulator, "marketplace/subscriptions"))) as { operations: Operation[] };
  return operations.find((candidate) => candidate.id === id)!;
}

describe("a customer's change of plan or quantity", () => {
  it("is announced InProgress in Microsoft's shape, with a v2 token of the publisher tenant, and waits for the publisher", async () => {
    await settings(emulator, { operationDelayMs: 0 });
    const { client, subscriptionId } = await subscribed();
    const operationId = await customerOperation(emulator, subscriptionId, "change", { planId: "per-user" });
    const [call] = await receiver.next(1);

    expect(call!.headers["content-type"]).toBe("application/json");
    expect(call!.body).toEqual({
      id: operationId,
      activityId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      publisherId: "adatum",
      offerId: "saas-starter",
      planId: "per-user",
      quantity: null,
      subscriptionId,
      timeStamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      action: "ChangePlan",
      status: "InProgress",
      operationRequestSource: "Azure",
      // The subscription as it is before the change.
      subscription: expect.objectContaining({
        id: subscriptionId,
        planId: "team-monthly",
        saasSubscriptionStatus: "Subscribed",
      }),
      purchaseToken: null,
    });

    const keys = createRemoteJWKSet(new URL(`${emulator.backUrl}/${PUBLISHER_TENANT_ID}/discovery/v2.0/keys`));
    const { payload, protectedHeader } = await jwtVerify(call!.token!, keys, {
      issuer: `${emulator.backUrl}/${PUBLISHER_TENANT_ID}/v2.0`,
      audience: fulfillmentApp.clientId,
      algorithms: ["RS256"],
    });
    expect(protectedHeader).toMatchObject({ alg: "RS256", typ: "JWT" });
    expect(payload).toMatchObject({
      tid: PUBLISHER_TENANT_ID,
      azp: MARKETPLACE,
      appid: MARKETPLACE,
      ver: "2.0",
      idtyp: "app",
    });
    expect(payload.sub).toBe(payload.oid);
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(payload.uti).toEqual(expect.any(String));

    // Not finished by itself while the publisher may still answer, whatever operationDelayMs says.
    await sleep(50);
    expect(await client.getOperation(subscriptionId, operationId)).toMatchObject({ status: "InProgress" });
    await expect(client.deleteSubscription(subscriptionId)).rejects.toBeInstanceOf(MarketplaceConflict);
    await client.updateOperation(subscriptionId, operationId, "Success");
    expect(await client.getSubscription(subscriptionId)).toMatchObject({ planId: "per-user", quantity: 1 });
    expect(await deliveries(emulator)).toEqual([
      { at: expect.any(String), operationId, action: "ChangePlan", attempt: 1, status: 200, version: "v2" },
    ]);
  });

  it("is accepted webhookAcceptMs after an acknowledgement, rejected by a 4xx, and left waiting while not sent (manual)", async () => {
    await settings(emulator, { webhookAcceptMs: 30 });
    const { client, subscriptionId } = await subscribed("per-user", 2);
    const accepted = await customerOperation(emulator, subscriptionId, "change", { quantity: 5 });
    expect((await receiver.next(1))[0]!.body).toMatchObject({ action: "ChangeQuantity", quantity: 5 });
    await until(async () => (await operation(accepted)).status === "Succeeded", "the change accepted by itself");
    expect((await client.getSubscription(subscriptionId)).quantity).toBe(5);

    receiver.answers.push(400);
    const rejected = await customerOperation(emulator, subscriptionId, "change", { quantity: 7 });
    await until(async () => (await operation(rejected)).status === "Failed", "the change rejected");
    expect((await operation(rejected)).errorMessage).toContain("HTTP 400");
    await sleep(50);
    expect(receiver.received).toHaveLength(2); // a rejection is an answer: not sent again
    expect((await client.getSubscription(subscriptionId)).quantity).toBe(5);

    await settings(emulator, { webhookDelivery: "manual", webhookAcceptMs: 0, operationDelayMs: 0 });
    const waiting = await customerOperation(emulator, subscriptionId, "change", { quantity: 9 });
    await sleep(50);
    expect(receiver.received).toHaveLength(2);
    expect((await operation(waiting)).status).toBe("InProgress");
    const log = (await ok(control(emulator, "marketplace/webhooks"))) as { queued: unknown[] };
    expect(log.queued).toEqual([{ operationId: waiting, action: "ChangeQuantity" }]);
    expect(await ok(control(emulator, "marketplace/webhooks/flush", {}))).toEqual({
      deliveries: [{ operationId: waiting, action: "ChangeQuantity", status: 200 }],
    });
    expect((await operation(waiting)).status).toBe("Succeeded");
    expect((await client.getSubscription(subscriptionId)).quantity).toBe(9);
  });

  it("fails when the webhook never acknowledges it, after the retries", async () => {
    await settings(emulator, { webhookRetryDelaysMs: [10, 10] });
    const { subscriptionId } = await subscribed();
    receiver.answers.push(500, 503, 502);
    const operationId = await customerOperation(emulator, subscriptionId, "change", { planId: "team-annual" });
    await until(async () => (await operation(operationId)).status === "Failed", "the change given up");
    expect((await deliveries(emulator)).map((delivery) => [delivery.attempt, delivery.status])).toEqual([
      [1, 500],
      [2, 503],
      [3, 502],
    ]);
    expect((await operation(operationId)).errorMessage).toContain("never acknowledged");
  });

  it("is refused like Microsoft refuses it: 404, 400, and 409 while another operation is in progress", async () => {
    const pending = await buy(emulator);
    expect((await customer(emulator, pending.subscriptionId, "change", { planId: "per-user" })).status).toBe(400);
    expect((await customer(emulator, pending.subscriptionId, "renew")).status).toBe(400);
    expect((await customer(emulator, "00000000-0000-4000-8000-000000000000", "change", { quantity: 2 })).status).toBe(
      404,
    );

    const { subscriptionId } = await subscribed();
    const refusals = [
      { planId: "team-monthly" },
      { planId: "no-such-plan" },
      { planId: "per-user", quantity: 2 },
      {},
      { quantity: 2 },
    ];
    for (const body of refusals) {
      const answer = await customer(emulator, subscriptionId, "change", body);
      expect([answer.status, body]).toEqual([400, body]);
      expect(await answer.json()).toEqual({ error: expect.any(String) });
    }
    const seats = await subscribed("per-user", 3);
    for (const quantity of [0, 501, 3, "x"])
      expect((await customer(emulator, seats.subscriptionId, "change", { quantity })).status).toBe(400);

    await settings(emulator, { webhookDelivery: "manual" });
    await customerOperation(emulator, subscriptionId, "change", { planId: "per-user" });
    const conflict = await customer(emulator, subscriptionId, "change", { planId: "team-annual" });
    expect(conflict.status).toBe(409);
    expect((await customer(emulator, subscriptionId, "cancel")).status).toBe(409);
  });
});

describe("what Microsoft does by itself", () => {
  it("announces Suspend, Reinstate, Renew and Unsubscribe as Succeeded; manual delivery sends them in order on flush", async () => {
    await settings(emulator, { webhookDelivery: "manual" });
    const { subscriptionId } = await subscribed();
    const before = (await publisher(emulator).getSubscription(subscriptionId)).term?.endDate;
    const ids = [
      await setStatus(emulator, subscriptionId, "Suspended"),
      await setStatus(emulator, subscriptionId, "Subscribed"),
      await customerOperation(emulator, subscriptionId, "renew"),
      await customerOperation(emulator, subscriptionId, "cancel"),
    ];
    await sleep(30);
    expect(receiver.received).toEqual([]);
    await ok(control(emulator, "marketplace/webhooks/flush", {}));
    expect(
      receiver.received.map(({ body }) => [body.id, body.action, body.status, body.operationRequestSource]),
    ).toEqual([
      [ids[0], "Suspend", "Succeeded", "Azure"],
      [ids[1], "Reinstate", "Succeeded", "Azure"],
      [ids[2], "Renew", "Succeeded", "Azure"],
      [ids[3], "Unsubscribe", "Succeeded", "Azure"],
    ]);
    const statuses = receiver.received.map(
      ({ body }) => (body.subscription as { saasSubscriptionStatus: string }).saasSubscriptionStatus,
    );
    expect(statuses).toEqual(["Suspended", "Subscribed", "Subscribed", "Unsubscribed"]);
    // Renew moved the term on: it starts the day after the previous one ended.
    const renewed = (receiver.received[2]!.body.subscription as { term: { startDate: string } }).term;
    const dayAfter = new Date(new Date(before!).getTime() + 24 * 3600 * 1000).toISOString().slice(0, 10);
    expect(renewed.startDate.slice(0, 10)).toBe(dayAfter);
  });

  it("retries a call not answered 2xx after the configured delays, and stops at the first 2xx", async () => {
    await settings(emulator, { webhookRetryDelaysMs: [20, 20, 20, 20] });
    const { subscriptionId } = await subscribed();
    receiver.answers.push(500, 401);
    const operationId = await setStatus(emulator, subscriptionId, "Suspended");
    const calls = await receiver.next(3);
    await sleep(100);
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map(({ body }) => JSON.stringify(body))).size).toBe(1); // the same notification each time
    expect(
      (await deliveries(emulator)).map((delivery) => [delivery.operationId, delivery.attempt, delivery.status]),
    ).toEqual([
      [operationId, 1, 500],
      [operationId, 2, 401],
      [operationId, 3, 200],
    ]);
  });

  it("records an unreachable webhook as status 0, and stops calling on reset", async () => {
    const unreachable = "http://127.0.0.1:9/api/marketplace/webhook";
    const configure = (webhookUrl: string) =>
      ok(
        control(emulator, "marketplace/technical-configuration", {
          publisherTenantId: PUBLISHER_TENANT_ID,
          fulfillmentClientId: fulfillmentApp.clientId,
          landingPageUrl: LANDING_PAGE,
          webhookUrl,
        }),
      );
    try {
      await configure(unreachable);
      await settings(emulator, { webhookRetryDelaysMs: [30, 30, 30, 30] });
      const { subscriptionId } = await subscribed();
      await setStatus(emulator, subscriptionId, "Suspended");
      await until(async () => (await deliveries(emulator)).length >= 1, "a first call");
      expect((await deliveries(emulator))[0]).toMatchObject({ action: "Suspend", status: 0 });
      await ok(control(emulator, "reset", {}));
      await sleep(150);
      expect(await deliveries(emulator)).toEqual([]);
    } finally {
      await configure(receiver.url);
    }
  });

  it("tells the publisher of its own cancellation once done, not of its own changes", async () => {
    await settings(emulator, { operationDelayMs: 20 });
    const { client, subscriptionId } = await subscribed("per-user", 2);
    const change = await client.changeQuantity(subscriptionId, 4);
    await client.updateOperation(subscriptionId, change.operationId!, "Success");
    const cancelled = await client.deleteSubscription(subscriptionId);
    const [call] = await receiver.next(1);
    expect(call!.body).toMatchObject({
      id: cancelled.operationId,
      action: "Unsubscribe",
      status: "Succeeded",
      operationRequestSource: "Partner",
      subscription: { saasSubscriptionStatus: "Unsubscribed" },
    });
    // Its own change was never announced: neither delivered nor waiting to be (the marketplace's
    // own record, rather than a pause to see that nothing else comes).
    const log = await webhookLog(emulator);
    expect(log.deliveries.filter((delivery) => delivery.operationId === change.operationId)).toEqual([]);
    expect(log.queued.filter((queued) => queued.operationId === change.operationId)).toEqual([]);
    expect(receiver.received).toHaveLength(1);
  });
});
