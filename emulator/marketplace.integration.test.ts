import { createLocalJWKSet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { MarketplaceBadRequest, MarketplaceForbidden, MarketplaceNotFound } from "@/lib/marketplace/errors";
import { account, control, redeem, signIn, testApp } from "@/test/entra-emulator";
import { PUBLISHER_TENANT_ID, seed } from "./directory";
import {
  api,
  appToken,
  buy,
  fulfillmentApp,
  fulfillmentClient,
  ok,
  OTHER_PUBLISHERS_OFFER,
  withMarketplace,
} from "./marketplace.test-support";
import type { RunningEmulator } from "./server";

let emulator: RunningEmulator;
withMarketplace((running) => (emulator = running));

const MARKETPLACE = "20e940b3-4c77-4b0b-9a53-9e16a1b010a7";
const calls = async () =>
  ((await ok(control(emulator, "marketplace/calls"))) as { calls: { method: string; path: string; status: number }[] })
    .calls;

describe("the fulfillment app's token (client credentials for the marketplace API)", () => {
  it("is a v2 token for the marketplace resource, from the publisher tenant, signed with the emulator's keys", async () => {
    const token = await appToken(emulator);
    const jwks = createLocalJWKSet(
      await (await fetch(`${emulator.backUrl}/${PUBLISHER_TENANT_ID}/discovery/v2.0/keys`)).json(),
    );
    const { payload } = await jwtVerify(token, jwks, {
      issuer: `${emulator.backUrl}/${PUBLISHER_TENANT_ID}/v2.0`,
      audience: MARKETPLACE,
    });
    expect(payload).toMatchObject({
      ver: "2.0",
      tid: PUBLISHER_TENANT_ID,
      azp: fulfillmentApp.clientId,
      appid: fulfillmentApp.clientId,
      idtyp: "app",
    });
  });

  it("exists in its home tenant only, and only for resources the emulator knows", async () => {
    const form = {
      grant_type: "client_credentials",
      scope: `${MARKETPLACE}/.default`,
      client_id: fulfillmentApp.clientId,
      client_secret: fulfillmentApp.secret,
    };
    const codes = async (authority: string, extra: Record<string, string> = {}) =>
      ((await (await redeem(emulator, { ...form, ...extra }, authority)).json()) as { error_codes: number[] })
        .error_codes;
    expect(await codes(seed.contoso)).toEqual([700016]);
    expect(await codes("common")).toEqual([50194]);
    expect(await codes(PUBLISHER_TENANT_ID, { scope: "api://unknown-resource/.default" })).toEqual([500011]);
  });
});

describe("resolve", () => {
  it("resolves the URL-decoded token, again and again, and refuses the still-encoded one with a hint", async () => {
    const purchase = await buy(emulator, { planId: "per-user", quantity: 7 });
    const landing = new URL(purchase.landingUrl!);
    expect(`${landing.origin}${landing.pathname}`).toBe("http://localhost:3000/marketplace");
    expect(purchase.landingUrl).toContain(`token=${encodeURIComponent(purchase.token)}`);
    expect(purchase.token).toMatch(/[+/=]/);

    const client = fulfillmentClient(emulator);
    const adele = await account(emulator, "adele@contoso.com");
    for (let time = 0; time < 2; time++) {
      const resolved = await client.resolve(landing.searchParams.get("token")!);
      expect(resolved).toMatchObject({
        id: purchase.subscriptionId,
        offerId: "saas-starter",
        planId: "per-user",
        quantity: 7,
        subscription: {
          publisherId: "adatum",
          saasSubscriptionStatus: "PendingFulfillmentStart",
          isFreeTrial: true,
          allowedCustomerOperations: ["Read", "Update", "Delete"],
          purchaser: { tenantId: seed.contoso, objectId: adele.oid, emailId: "adele@contoso.com" },
          beneficiary: { tenantId: seed.contoso, objectId: adele.oid },
          term: { termUnit: "P1M" },
        },
      });
    }
    const encoded = await api(emulator, "POST", "/saas/subscriptions/resolve", {
      token: await appToken(emulator),
      headers: { "x-ms-marketplace-token": encodeURIComponent(purchase.token) },
    });
    expect(encoded.status).toBe(400);
    expect(((await encoded.json()) as { error: { message: string } }).error.message).toContain("URL-encoded");
  });

  it("answers 400 to an expired token and 403 to a token of another publisher's offer", async () => {
    const client = fulfillmentClient(emulator);
    const purchase = await buy(emulator);
    await ok(control(emulator, "marketplace/tokens/expire", { token: purchase.token }));
    await expect(client.resolve(purchase.token)).rejects.toBeInstanceOf(MarketplaceBadRequest);
    const fresh = (await ok(control(emulator, "marketplace/tokens", { subscriptionId: purchase.subscriptionId }))) as {
      token: string;
    };
    expect((await client.resolve(fresh.token)).id).toBe(purchase.subscriptionId);

    const foreign = await buy(emulator, { offerId: OTHER_PUBLISHERS_OFFER, planId: "basic" });
    expect(foreign.landingUrl).toBeNull(); // that publisher registered no technical configuration
    const refused = await client.resolve(foreign.token).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MarketplaceForbidden);
    expect(refused).toMatchObject({ status: 403 });
    await expect(client.getSubscription(foreign.subscriptionId)).rejects.toBeInstanceOf(MarketplaceForbidden);
  });
});

describe("what every call needs", () => {
  it("requires api-version=2018-08-31, and echoes or makes the request's ids", async () => {
    const token = await appToken(emulator);
    expect((await api(emulator, "GET", "/saas/subscriptions", { token, apiVersion: null })).status).toBe(400);
    expect((await api(emulator, "GET", "/saas/subscriptions", { token, apiVersion: "2022-01-01" })).status).toBe(400);
    const echoed = await api(emulator, "GET", "/saas/subscriptions", {
      token,
      headers: { "x-ms-requestid": "req-1", "x-ms-correlationid": "corr-1" },
    });
    expect(echoed.status).toBe(200);
    expect(echoed.headers.get("x-ms-requestid")).toBe("req-1");
    expect(echoed.headers.get("x-ms-correlationid")).toBe("corr-1");
    const made = await api(emulator, "GET", "/saas/subscriptions", { token });
    expect(made.headers.get("x-ms-requestid")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers 401 without a marketplace token of the emulator, 403 to another app's", async () => {
    const purchase = await buy(emulator);
    const path = `/saas/subscriptions/${purchase.subscriptionId}`;
    expect((await api(emulator, "GET", path)).status).toBe(401);
    expect((await api(emulator, "GET", path, { token: "not.a.token" })).status).toBe(401);
    const graph = await appToken(emulator, { scope: "https://graph.microsoft.com/.default" });
    expect((await api(emulator, "GET", path, { token: graph })).status).toBe(401);

    // The sign-in app, installed in Contoso, gets a marketplace token there: not the offer's app.
    await signIn(emulator, { username: "adele@contoso.com", consent: "accept-for-organization" });
    const foreign = await appToken(emulator, { tenant: seed.contoso, app: testApp });
    const refused = await api(emulator, "GET", path, { token: foreign });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: "Forbidden" } });
    expect((await api(emulator, "GET", path, { token: await appToken(emulator) })).status).toBe(200);
  });
});

describe("activate", () => {
  it("starts billing once; a second activate is 400 'Subscribed with same plan', which the client takes as done", async () => {
    const client = fulfillmentClient(emulator);
    const { subscriptionId } = await buy(emulator, { planId: "per-user", quantity: 3 });
    await expect(client.activate(subscriptionId, { planId: "team-monthly" })).rejects.toBeInstanceOf(
      MarketplaceBadRequest,
    );
    await expect(client.activate(subscriptionId, { planId: "per-user", quantity: 4 })).rejects.toBeInstanceOf(
      MarketplaceBadRequest,
    );
    await client.activate(subscriptionId, { planId: "per-user", quantity: 3 });
    const subscribed = await client.getSubscription(subscriptionId);
    expect(subscribed.saasSubscriptionStatus).toBe("Subscribed");
    expect(subscribed.term).toMatchObject({ termUnit: "P1M", startDate: expect.stringMatching(/T00:00:00Z$/) });

    const again = await api(emulator, "POST", `/saas/subscriptions/${subscriptionId}/activate`, {
      token: await appToken(emulator),
      body: { planId: "per-user", quantity: 3 },
    });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: { message: string } }).error.message).toContain(
      "Subscribed with same plan",
    );
    await client.activate(subscriptionId, { planId: "per-user", quantity: 3 }); // idempotent for the client

    await ok(control(emulator, `marketplace/subscriptions/${subscriptionId}/status`, { status: "Unsubscribed" }));
    await expect(client.activate(subscriptionId, { planId: "per-user" })).rejects.toBeInstanceOf(MarketplaceBadRequest);
    await expect(client.getSubscription("00000000-0000-4000-8000-000000000000")).rejects.toBeInstanceOf(
      MarketplaceNotFound,
    );
    const activations = (await calls()).filter((call) => call.method === "POST" && call.path.endsWith("/activate"));
    expect(activations.map((call) => call.status)).toEqual([400, 400, 200, 400, 400, 400]);
  });
});

describe("list subscriptions", () => {
  it("pages with @nextLink and lists the caller's offers only", async () => {
    await ok(control(emulator, "marketplace/settings", { pageSize: 2 }));
    const mine = [];
    for (let index = 0; index < 5; index++) mine.push((await buy(emulator)).subscriptionId);
    await buy(emulator, { offerId: OTHER_PUBLISHERS_OFFER, planId: "basic" });
    const listed = [];
    for await (const subscription of fulfillmentClient(emulator).listSubscriptions()) listed.push(subscription.id);
    expect(listed).toEqual(mine);
    const pages = (await calls()).filter((call) => call.method === "GET" && call.path === "/saas/subscriptions");
    expect(pages).toHaveLength(3);

    const first = (await (
      await api(emulator, "GET", "/saas/subscriptions", { token: await appToken(emulator) })
    ).json()) as {
      "@nextLink": string;
    };
    expect(first["@nextLink"]).toMatch(
      /^https:\/\/127\.0\.0\.1:\d+\/marketplace\/api\/saas\/subscriptions\/\?continuationToken=.*%2B/,
    );
  });

  it("answers an empty body when the publisher has no subscription", async () => {
    const response = await api(emulator, "GET", "/saas/subscriptions", { token: await appToken(emulator) });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
  });
});
