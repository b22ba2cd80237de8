// One call per endpoint (./fulfillment.ts): what each sends and how it reads the answer.
import { describe, expect, it } from "vitest";
import { MarketplaceBadRequest, MarketplaceForbidden, MarketplaceResponseInvalid } from "./errors";
import { API_VERSION } from "./fulfillment";
import {
  BASE,
  PURCHASE_TOKEN,
  SUBSCRIPTION,
  OPERATION,
  subscriptionBody,
  operationBody,
  json,
  empty,
  clientWith,
  failureOf,
  expectStandardRequest,
} from "./test-support";

describe("resolve", () => {
  it("posts the purchase token in x-ms-marketplace-token and parses the answer leniently", async () => {
    const { client, sent } = clientWith([
      json(200, {
        id: SUBSCRIPTION,
        subscriptionName: "Contoso Cloud Solution",
        offerId: "offer1",
        planId: "silver",
        quantity: "20",
        addedByMicrosoftLater: { anything: true },
        subscription: subscriptionBody({ saasSubscriptionStatus: " PendingFulfillmentStart ", newField: 42 }),
      }),
    ]);
    const resolved = await client.resolve(`  ${PURCHASE_TOKEN} `);

    expectStandardRequest(sent[0], "POST", "/saas/subscriptions/resolve");
    expect(sent[0]!.headers.get("x-ms-marketplace-token")).toBe(PURCHASE_TOKEN);
    expect(sent[0]!.body).toBeUndefined();
    expect(resolved.id).toBe(SUBSCRIPTION);
    expect(resolved.quantity).toBe(20);
    expect(resolved.subscription.saasSubscriptionStatus).toBe("PendingFulfillmentStart");
    expect(resolved.subscription.beneficiary.tenantId).toBe("b9e8c6a1-0d5e-4c1f-8a2b-3c4d5e6f7a8b");
    // Fields Microsoft adds are kept, at the top and inside.
    expect(resolved).toMatchObject({ addedByMicrosoftLater: { anything: true } });
    expect(resolved.subscription).toMatchObject({ newField: 42 });
  });

  it("refuses a missing or garbage token without calling Microsoft", async () => {
    const { client, sent } = clientWith([]);
    for (const token of ["", "   ", "abc\r\nx-injected: 1", "jeton-épuisé", "x".repeat(20_000)]) {
      const error = await failureOf(client.resolve(token));
      expect(error).toBeInstanceOf(MarketplaceBadRequest);
      expect((error as MarketplaceBadRequest).status).toBeNull();
    }
    expect(await failureOf(client.resolve(undefined as unknown as string))).toBeInstanceOf(MarketplaceBadRequest);
    expect(sent).toHaveLength(0);
  });

  it("reports Microsoft's 400 (expired or already-used token) once, without retrying", async () => {
    const { client, sent } = clientWith([json(400, { error: { code: "BadArgument", message: "Token expired" } })]);
    const error = (await failureOf(client.resolve(PURCHASE_TOKEN))) as MarketplaceBadRequest;
    expect(error).toBeInstanceOf(MarketplaceBadRequest);
    expect(error.status).toBe(400);
    expect(error.operation).toBe("resolve");
    expect(error.detail).toBe("BadArgument: Token expired");
    expect(error.requestId).toBe(sent[0]!.headers.get("x-ms-requestid"));
    expect(error.correlationId).toBe(sent[0]!.headers.get("x-ms-correlationid"));
    expect(sent).toHaveLength(1);
  });

  it("reports an offer of another publisher (403) as MarketplaceForbidden", async () => {
    const { client } = clientWith([empty(403)]);
    const error = await failureOf(client.resolve(PURCHASE_TOKEN));
    expect(error).toBeInstanceOf(MarketplaceForbidden);
    expect((error as MarketplaceForbidden).status).toBe(403);
  });
});

describe("activate", () => {
  it("posts the plan and quantity", async () => {
    const { client, sent } = clientWith([empty(200), empty(200)]);
    await expect(client.activate(SUBSCRIPTION, { planId: "gold", quantity: 3 })).resolves.toBeUndefined();
    await client.activate(SUBSCRIPTION, { planId: "gold" });

    expectStandardRequest(sent[0], "POST", `/saas/subscriptions/${SUBSCRIPTION}/activate`);
    expect(sent[0]!.body).toEqual({ planId: "gold", quantity: 3 });
    expect(sent[1]!.body).toEqual({ planId: "gold" });
  });

  it("is retried after a 500, and counts as done when the retry meets 400 on a subscription already Subscribed with this plan", async () => {
    const { client, sent } = clientWith([
      empty(500),
      empty(400),
      json(200, subscriptionBody({ planId: "gold", quantity: 3 })),
    ]);
    await expect(client.activate(SUBSCRIPTION, { planId: "gold", quantity: 3 })).resolves.toBeUndefined();
    expect(sent.map((request) => `${request.method} ${request.url.pathname}`)).toEqual([
      `POST /api/saas/subscriptions/${SUBSCRIPTION}/activate`,
      `POST /api/saas/subscriptions/${SUBSCRIPTION}/activate`,
      `GET /api/saas/subscriptions/${SUBSCRIPTION}`,
    ]);
  });

  it("keeps the 400 when the subscription is not Subscribed with this plan and quantity", async () => {
    for (const current of [
      subscriptionBody({ planId: "gold", quantity: 3, saasSubscriptionStatus: "PendingFulfillmentStart" }),
      subscriptionBody({ planId: "silver", quantity: 3 }),
      subscriptionBody({ planId: "gold", quantity: 5 }),
    ]) {
      const { client } = clientWith([empty(400), json(200, current)]);
      expect(await failureOf(client.activate(SUBSCRIPTION, { planId: "gold", quantity: 3 }))).toBeInstanceOf(
        MarketplaceBadRequest,
      );
    }
  });

  it("refuses a missing plan or a quantity that is not a number of seats", async () => {
    const { client, sent } = clientWith([]);
    for (const purchase of [{ planId: "" }, { planId: "gold", quantity: 0 }, { planId: "gold", quantity: 1.5 }]) {
      expect(await failureOf(client.activate(SUBSCRIPTION, purchase))).toBeInstanceOf(MarketplaceBadRequest);
    }
    expect(sent).toHaveLength(0);
  });
});

describe("getSubscription", () => {
  it("gets the subscription by id, keeping fields Microsoft adds", async () => {
    const { client, sent } = clientWith([
      json(200, subscriptionBody({ quantity: "", isFreeTrial: "true", futureField: [1] })),
    ]);
    const subscription = await client.getSubscription(SUBSCRIPTION.toUpperCase());
    expectStandardRequest(sent[0], "GET", `/saas/subscriptions/${SUBSCRIPTION}`);
    expect(subscription.saasSubscriptionStatus).toBe("Subscribed");
    expect(subscription.quantity).toBeUndefined();
    expect(subscription.isFreeTrial).toBe(true);
    expect(subscription.term?.termUnit).toBe("P1M");
    expect(subscription).toMatchObject({ futureField: [1] });
  });

  it("refuses an id that is not a GUID: ids go into the URL path", async () => {
    const { client, sent } = clientWith([]);
    for (const id of ["../../saas/subscriptions", `${SUBSCRIPTION}/activate`, "", "not-a-guid"]) {
      const error = await failureOf(client.getSubscription(id));
      expect(error).toBeInstanceOf(MarketplaceBadRequest);
    }
    expect(sent).toHaveLength(0);
  });

  it("reports an answer not of the documented shape as MarketplaceResponseInvalid, naming the field", async () => {
    const withoutPlan: Record<string, unknown> = subscriptionBody();
    delete withoutPlan.planId;
    const { client } = clientWith([json(200, withoutPlan), new Response("<html>oops</html>", { status: 200 })]);
    const missing = (await failureOf(client.getSubscription(SUBSCRIPTION))) as MarketplaceResponseInvalid;
    expect(missing).toBeInstanceOf(MarketplaceResponseInvalid);
    expect(missing.issues.join("\n")).toContain("planId");
    const notJson = (await failureOf(client.getSubscription(SUBSCRIPTION))) as MarketplaceResponseInvalid;
    expect(notJson).toBeInstanceOf(MarketplaceResponseInvalid);
    expect(notJson.issues).toEqual(["the body is not JSON"]);
  });
});

describe("plans and changes", () => {
  it("lists the available plans, keeping fields Microsoft adds", async () => {
    const { client, sent } = clientWith([
      json(200, {
        plans: [
          {
            planId: "Platinum001",
            displayName: "Private platinum plan for Contoso",
            isPrivate: true,
            description: "plan description",
            minQuantity: 5,
            maxQuantity: 100,
            hasFreeTrials: false,
            isPricePerSeat: true,
            isStopSell: false,
            market: "US",
            planComponents: { recurrentBillingTerms: [{ currency: "USD", price: 1, termUnit: "P1M" }] },
          },
        ],
      }),
    ]);
    const { plans } = await client.listAvailablePlans(SUBSCRIPTION);
    expectStandardRequest(sent[0], "GET", `/saas/subscriptions/${SUBSCRIPTION}/listAvailablePlans`);
    expect(plans[0]).toMatchObject({ planId: "Platinum001", isPricePerSeat: true, minQuantity: 5, maxQuantity: 100 });
    expect(plans[0]).toHaveProperty("planComponents.recurrentBillingTerms.0.currency", "USD");
  });

  it("changes the plan or the quantity (never both) and returns the operation to follow", async () => {
    const location = `${BASE}/saas/subscriptions/${SUBSCRIPTION}/operations/${OPERATION}?api-version=${API_VERSION}`;
    const { client, sent } = clientWith([
      empty(202, { "operation-location": location }),
      empty(202, { "operation-location": location }),
      empty(202),
    ]);
    const plan = await client.changePlan(SUBSCRIPTION, "gold");
    const seats = await client.changeQuantity(SUBSCRIPTION, 5);
    const cancelled = await client.deleteSubscription(SUBSCRIPTION);

    expectStandardRequest(sent[0], "PATCH", `/saas/subscriptions/${SUBSCRIPTION}`);
    expect(sent[0]!.body).toEqual({ planId: "gold" });
    expectStandardRequest(sent[1], "PATCH", `/saas/subscriptions/${SUBSCRIPTION}`);
    expect(sent[1]!.body).toEqual({ quantity: 5 });
    expectStandardRequest(sent[2], "DELETE", `/saas/subscriptions/${SUBSCRIPTION}`);
    expect(plan).toMatchObject({ operationId: OPERATION, operationLocation: location });
    expect(plan.requestId).toBe(sent[0]!.headers.get("x-ms-requestid"));
    expect(seats.operationId).toBe(OPERATION);
    expect(cancelled).toMatchObject({ operationId: null, operationLocation: null });
  });

  it("refuses an empty plan or a quantity that is not a number of seats", async () => {
    const { client, sent } = clientWith([]);
    expect(await failureOf(client.changePlan(SUBSCRIPTION, " "))).toBeInstanceOf(MarketplaceBadRequest);
    expect(await failureOf(client.changeQuantity(SUBSCRIPTION, -1))).toBeInstanceOf(MarketplaceBadRequest);
    expect(sent).toHaveLength(0);
  });
});

describe("operations", () => {
  it("lists pending operations ({} when there are none)", async () => {
    const { client, sent } = clientWith([json(200, { operations: [operationBody({ extra: "kept" })] }), json(200, {})]);
    const [pending] = await client.listOperations(SUBSCRIPTION);
    expectStandardRequest(sent[0], "GET", `/saas/subscriptions/${SUBSCRIPTION}/operations`);
    expect(pending).toMatchObject({
      id: OPERATION,
      action: "ChangePlan",
      status: "InProgress",
      quantity: 20,
      extra: "kept",
    });
    expect(await client.listOperations(SUBSCRIPTION)).toEqual([]);
  });

  it("gets one operation", async () => {
    const { client, sent } = clientWith([json(200, operationBody({ status: "Succeeded" }))]);
    const operation = await client.getOperation(SUBSCRIPTION, OPERATION);
    expectStandardRequest(sent[0], "GET", `/saas/subscriptions/${SUBSCRIPTION}/operations/${OPERATION}`);
    expect(operation.status).toBe("Succeeded");
    expect(operation.subscriptionId).toBe(SUBSCRIPTION);
  });

  it("accepts or rejects an operation, retrying like a GET", async () => {
    const { client, sent } = clientWith([empty(503), empty(200), empty(200)]);
    await client.updateOperation(SUBSCRIPTION, OPERATION, "Success");
    await client.updateOperation(SUBSCRIPTION, OPERATION, "Failure");
    expectStandardRequest(sent[1], "PATCH", `/saas/subscriptions/${SUBSCRIPTION}/operations/${OPERATION}`);
    expect(sent.map((request) => request.body)).toEqual([
      { status: "Success" },
      { status: "Success" },
      { status: "Failure" },
    ]);
  });

  it("refuses a status other than Success or Failure, and an operation id that is not a GUID", async () => {
    const { client, sent } = clientWith([]);
    expect(await failureOf(client.updateOperation(SUBSCRIPTION, OPERATION, "Done" as "Success"))).toBeInstanceOf(
      MarketplaceBadRequest,
    );
    expect(await failureOf(client.getOperation(SUBSCRIPTION, "../.."))).toBeInstanceOf(MarketplaceBadRequest);
    expect(sent).toHaveLength(0);
  });
});
