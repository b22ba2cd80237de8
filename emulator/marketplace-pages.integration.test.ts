import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { account, Browser, control, offeredUsernames, signIn } from "@/test/entra-emulator";
import { seed } from "./directory";
import { loadCatalog } from "./marketplace/catalog";
import { fulfillmentClient, LANDING_PAGE, ok, withMarketplace } from "./marketplace.test-support";
import { startEmulator, type RunningEmulator } from "./server";

let emulator: RunningEmulator;
withMarketplace((running) => (emulator = running));

const store = () => `${emulator.frontUrl}/marketplace`;

/** A browser signed in to the local marketplace as `username`, by its account choice. */
async function buyerBrowser(username: string): Promise<Browser> {
  const browser = new Browser(emulator);
  const who = await account(emulator, username);
  const chosen = await browser.post("/marketplace/account", { tid: who.tenantId, oid: who.oid, next: "/marketplace" });
  expect(chosen.status).toBe(303);
  expect(chosen.headers.get("location")).toBe("/marketplace");
  return browser;
}

/** The token of a redirect to the landing page, checked to be sent URL-encoded. */
function landingToken(response: Response): string {
  expect(response.status).toBe(303);
  const location = response.headers.get("location")!;
  expect(location.startsWith(`${LANDING_PAGE}?token=`)).toBe(true);
  const raw = location.slice(`${LANDING_PAGE}?token=`.length);
  expect(raw).toMatch(/%2B|%2F|%3D/);
  expect(raw).not.toMatch(/[+/=]/);
  return decodeURIComponent(raw);
}

describe("the purchase page", () => {
  it("shows the offers and, with nobody signed in, asks which work account buys", async () => {
    const response = await new Browser(emulator).get(store());
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html.match(/<h1>/g)).toHaveLength(1);
    expect(html).toContain("<h1>Local marketplace</h1>");
    expect(html).toContain("AppSource SaaS Starter");
    expect(html).not.toContain("Tailspin"); // the test fixture stays off the page
    const offered = offeredUsernames(html);
    expect(offered).toEqual(expect.arrayContaining(["adele@contoso.com", "ian@fabrikam.com", "pat@adatum.com"]));
    expect(offered.some((name) => name.includes("outlook.com") || name.includes("#EXT#"))).toBe(false);
  });

  it("buys a plan and sends the browser to the landing page with the URL-encoded token, as AppSource does", async () => {
    const browser = await buyerBrowser("adele@contoso.com");
    const form = await (await browser.get(store())).text();
    expect(form).toContain("Buying as <strong>Adele Vance</strong>");
    expect(form).toContain('value="saas-starter/per-user"');
    expect(form).toMatch(/<label class="field" for="quantity">/);

    const token = landingToken(
      await browser.post("/marketplace/purchase", {
        plan: "saas-starter/per-user",
        quantity: "5",
        name: "<b>Ops</b>",
        beneficiary: "",
      }),
    );
    const resolved = await fulfillmentClient(emulator).resolve(token);
    expect(resolved).toMatchObject({
      planId: "per-user",
      quantity: 5,
      subscriptionName: "<b>Ops</b>",
      subscription: { saasSubscriptionStatus: "PendingFulfillmentStart", purchaser: { emailId: "adele@contoso.com" } },
    });

    const list = await (await browser.get(`${store()}/subscriptions`)).text();
    expect(list).toContain("&lt;b&gt;Ops&lt;/b&gt;");
    expect(list).not.toContain("<b>Ops</b>");
    expect(list).toContain("PendingFulfillmentStart (free trial)");
    const manage = list.match(/href="(\/marketplace\/subscriptions\/[^"]+\/manage)"/)![1]!;
    const again = landingToken(await browser.get(`${emulator.frontUrl}${manage}`));
    expect(again).not.toBe(token);
    expect((await fulfillmentClient(emulator).resolve(again)).id).toBe(resolved.id);
  });

  it("buys for another organization as a CSP partner, and each organization sees what concerns it", async () => {
    const adele = await buyerBrowser("adele@contoso.com");
    const own = landingToken(await adele.post("/marketplace/purchase", { plan: "saas-starter/team-monthly" }));
    const forFabrikam = landingToken(
      await adele.post("/marketplace/purchase", { plan: "saas-starter/team-annual", beneficiary: seed.fabrikam }),
    );
    const client = fulfillmentClient(emulator);
    expect(await client.resolve(forFabrikam)).toMatchObject({
      quantity: undefined,
      subscription: {
        purchaser: { tenantId: seed.contoso },
        beneficiary: { tenantId: seed.fabrikam },
        allowedCustomerOperations: ["Read"],
        term: { termUnit: "P1Y" },
      },
    });
    const ownId = (await client.resolve(own)).id;

    const ian = await buyerBrowser("ian@fabrikam.com");
    const list = await (await ian.get(`${store()}/subscriptions`)).text();
    expect(list).toContain("Team (annual)");
    expect(list).not.toContain(ownId);
    expect((await ian.get(`${store()}/subscriptions/${ownId}/manage`)).status).toBe(404);
  });

  it("lets the customer change the plan or the number of users, or cancel, each told to the publisher's webhook", async () => {
    await ok(control(emulator, "marketplace/settings", { webhookDelivery: "manual" }));
    const browser = await buyerBrowser("adele@contoso.com");
    const token = landingToken(
      await browser.post("/marketplace/purchase", { plan: "saas-starter/per-user", quantity: "3", name: "Ops" }),
    );
    const client = fulfillmentClient(emulator);
    const { id } = await client.resolve(token);
    const before = await (await browser.get(`${store()}/subscriptions`)).text();
    expect(before).not.toContain("Change plan"); // not before it is Subscribed
    await client.activate(id, { planId: "per-user", quantity: 3 });

    const page = await (await browser.get(`${store()}/subscriptions`)).text();
    expect(page.match(/<h1>/g)).toHaveLength(1);
    expect(page).toContain(`<h3 id="manage-${id}">Ops</h3>`);
    expect(page).toContain(`<label class="field" for="plan-${id}">New plan`);
    expect(page).toContain(`<option value="team-monthly">`);
    expect(page).not.toContain(`<option value="per-user">`); // the current plan is not a change
    expect(page).toContain(`<label class="field" for="quantity-${id}">Number of users (1 to 500)`);
    expect(page).toContain(`aria-label="Cancel subscription: Ops"`);

    const changed = await browser.post(`/marketplace/subscriptions/${id}/change`, { quantity: "4" });
    expect(changed.status).toBe(303);
    expect(changed.headers.get("location")).toBe("/marketplace/subscriptions?sent=change");
    const waiting = await (await browser.get(`${store()}/subscriptions?sent=change`)).text();
    expect(waiting).toContain("Change requested");
    expect(waiting).toContain("Changing to 4 users: waiting for the publisher.");
    const queued = async () =>
      ((await ok(control(emulator, "marketplace/webhooks"))) as { queued: { operationId: string; action: string }[] })
        .queued;
    const [change] = await queued();
    expect(change).toMatchObject({ action: "ChangeQuantity" });

    const busy = await browser.post(`/marketplace/subscriptions/${id}/cancel`, {});
    expect(busy.status).toBe(409);
    expect(await busy.text()).toContain('role="alert"');
    await client.updateOperation(id, change!.operationId, "Success");
    expect((await browser.post(`/marketplace/subscriptions/${id}/change`, { quantity: "4" })).status).toBe(400);
    expect((await browser.post(`/marketplace/subscriptions/${id}/cancel`, {})).status).toBe(303);
    expect(await client.getSubscription(id)).toMatchObject({ quantity: 4, saasSubscriptionStatus: "Unsubscribed" });
    expect((await queued()).map((notification) => notification.action)).toEqual(["ChangeQuantity", "Unsubscribe"]);

    // A CSP partner's customer, who may only read, gets no form and cannot post one.
    const forFabrikam = landingToken(
      await browser.post("/marketplace/purchase", { plan: "saas-starter/team-monthly", beneficiary: seed.fabrikam }),
    );
    const csp = (await client.resolve(forFabrikam)).id;
    await client.activate(csp, { planId: "team-monthly" });
    const ian = await buyerBrowser("ian@fabrikam.com");
    expect(await (await ian.get(`${store()}/subscriptions`)).text()).not.toContain(`for="plan-${csp}"`);
    expect((await ian.post(`/marketplace/subscriptions/${csp}/cancel`, {})).status).toBe(403);
  });

  it("plays Microsoft's own steps from a separate panel: suspend, reinstate, renew, each an operation told to the webhook", async () => {
    await ok(control(emulator, "marketplace/settings", { webhookDelivery: "manual" }));
    const browser = await buyerBrowser("adele@contoso.com");
    const token = landingToken(
      await browser.post("/marketplace/purchase", { plan: "saas-starter/team-monthly", name: "Ops" }),
    );
    const client = fulfillmentClient(emulator);
    const { id } = await client.resolve(token);
    const panel = `<h4 id="microsoft-${id}">Microsoft's side (local marketplace only)</h4>`;
    const pending = await (await browser.get(`${store()}/subscriptions`)).text();
    expect(pending).toContain(panel);
    expect(pending).not.toContain(`aria-label="Suspend (payment problem): Ops"`); // nothing before activation
    await client.activate(id, { planId: "team-monthly" });

    const stateOf = async () => {
      const all = (await ok(control(emulator, "marketplace/subscriptions"))) as {
        subscriptions: { id: string; saasSubscriptionStatus: string; term: { startDate?: string; endDate?: string } }[];
        operations: { subscriptionId: string; action: string; status: string }[];
      };
      return {
        subscription: all.subscriptions.find((candidate) => candidate.id === id)!,
        actions: all.operations
          .filter((operation) => operation.subscriptionId === id && operation.status === "Succeeded")
          .map((operation) => operation.action),
      };
    };
    const queued = async () =>
      ((await ok(control(emulator, "marketplace/webhooks"))) as { queued: { action: string }[] }).queued.map(
        (notification) => notification.action,
      );
    const buttons = (html: string) =>
      [...html.matchAll(/aria-label="([^"]+): Ops">([^<]+)<\/button>/g)].map((m) => m[2]);

    const page = await (await browser.get(`${store()}/subscriptions`)).text();
    const headings = [...page.matchAll(/<h([1-6])[ >]/g)].map((m) => Number(m[1]));
    headings.forEach((level, i) => expect(level - (headings[i - 1] ?? 0)).toBeLessThanOrEqual(1));
    expect(page).toContain(`<section class="panel" aria-labelledby="microsoft-${id}">${panel}`);
    expect(buttons(page)).toEqual(["Change plan", "Cancel subscription", "Suspend (payment problem)", "Renew now"]);
    expect(page).toContain(`<form method="post" action="/marketplace/subscriptions/${id}/suspend">`);

    // Renew now: the next term, from the day after the current one ends.
    const { subscription: before } = await stateOf();
    const renewed = await browser.post(`/marketplace/subscriptions/${id}/renew`, {});
    expect(renewed.status).toBe(303);
    expect(renewed.headers.get("location")).toBe("/marketplace/subscriptions?sent=renew");
    const dayAfter = new Date(Date.parse(before.term.endDate!) + 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    const afterRenewal = await stateOf();
    expect(afterRenewal.subscription.term.startDate!.slice(0, 10)).toBe(dayAfter);
    expect(afterRenewal.actions).toEqual(["Renew"]);
    expect(await (await browser.get(`${store()}/subscriptions?sent=renew`)).text()).toContain(
      "Subscription renewed for its next term",
    );

    // Suspend (payment problem): Suspended, and only Reinstate is left to play.
    const suspended = await browser.post(`/marketplace/subscriptions/${id}/suspend`, {});
    expect(suspended.status).toBe(303);
    expect(suspended.headers.get("location")).toBe("/marketplace/subscriptions?sent=suspend");
    expect(await stateOf()).toMatchObject({
      subscription: { saasSubscriptionStatus: "Suspended" },
      actions: ["Renew", "Suspend"],
    });
    const whileSuspended = await (await browser.get(`${store()}/subscriptions?sent=suspend`)).text();
    expect(whileSuspended).toContain("Subscription suspended, as Microsoft does after a payment problem");
    expect(buttons(whileSuspended)).toEqual(["Reinstate"]);
    const again = await browser.post(`/marketplace/subscriptions/${id}/suspend`, {});
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('role="alert"');
    expect((await browser.post(`/marketplace/subscriptions/${id}/renew`, {})).status).toBe(400);

    // Reinstate: Subscribed again.
    const reinstated = await browser.post(`/marketplace/subscriptions/${id}/reinstate`, {});
    expect(reinstated.status).toBe(303);
    expect(reinstated.headers.get("location")).toBe("/marketplace/subscriptions?sent=reinstate");
    expect(await stateOf()).toMatchObject({
      subscription: { saasSubscriptionStatus: "Subscribed" },
      actions: ["Renew", "Suspend", "Reinstate"],
    });
    expect((await browser.post(`/marketplace/subscriptions/${id}/reinstate`, {})).status).toBe(400);
    expect(await queued()).toEqual(["Renew", "Suspend", "Reinstate"]);

    // Once Unsubscribed, no panel.
    expect((await browser.post(`/marketplace/subscriptions/${id}/cancel`, {})).status).toBe(303);
    expect(await (await browser.get(`${store()}/subscriptions`)).text()).not.toContain(`id="microsoft-${id}"`);
  });

  it("refuses Microsoft's steps to a CSP partner's customer, who may only read", async () => {
    const adele = await buyerBrowser("adele@contoso.com");
    const token = landingToken(
      await adele.post("/marketplace/purchase", { plan: "saas-starter/team-monthly", beneficiary: seed.fabrikam }),
    );
    const client = fulfillmentClient(emulator);
    const { id } = await client.resolve(token);
    await client.activate(id, { planId: "team-monthly" });
    const ian = await buyerBrowser("ian@fabrikam.com");
    const page = await (await ian.get(`${store()}/subscriptions`)).text();
    expect(page).toContain(`<h4 id="microsoft-${id}">`);
    expect(page).not.toContain(`action="/marketplace/subscriptions/${id}/suspend"`);
    expect(page).not.toContain(`action="/marketplace/subscriptions/${id}/renew"`);
    const { term } = await client.getSubscription(id);
    for (const action of ["suspend", "renew"]) {
      const refused = await ian.post(`/marketplace/subscriptions/${id}/${action}`, {});
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('role="alert"');
    }
    expect(await client.getSubscription(id)).toMatchObject({ saasSubscriptionStatus: "Subscribed", term });
    const { operations } = (await ok(control(emulator, "marketplace/subscriptions"))) as {
      operations: { subscriptionId: string }[];
    };
    expect(operations.filter((operation) => operation.subscriptionId === id)).toEqual([]);
    // The purchaser's organization may: the same buttons work for Adele.
    expect(await (await adele.get(`${store()}/subscriptions`)).text()).toContain(
      `action="/marketplace/subscriptions/${id}/suspend"`,
    );
    expect((await adele.post(`/marketplace/subscriptions/${id}/suspend`, {})).status).toBe(303);
  });

  it("uses the Entra emulator's sign-in session when there is one", async () => {
    const { browser } = await signIn(emulator, { username: "megan@contoso.com", consent: "accept" });
    expect(await (await browser.get(store())).text()).toContain("Buying as <strong>Megan Bowen</strong>");
  });

  it("refuses a purchase without a buyer, of the test fixture, or of seats the plan does not sell", async () => {
    const anonymous = await new Browser(emulator).post("/marketplace/purchase", { plan: "saas-starter/team-monthly" });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toBe("/marketplace");

    const browser = await buyerBrowser("adele@contoso.com");
    expect((await browser.post("/marketplace/purchase", { plan: "tailspin-insights/basic" })).status).toBe(400);
    const tooMany = await browser.post("/marketplace/purchase", { plan: "saas-starter/per-user", quantity: "501" });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.text()).toContain('role="alert"');
    const sam = await account(emulator, "sam.taylor@outlook.com");
    expect((await browser.post("/marketplace/account", { tid: sam.tenantId, oid: sam.oid })).status).toBe(400);
    expect(
      ((await ok(control(emulator, "marketplace/subscriptions"))) as { subscriptions: unknown[] }).subscriptions,
    ).toEqual([]);
  });
});

describe("the marketplace's control API and offers file", () => {
  it("requires the control header and validates what it is given", async () => {
    expect((await fetch(`${emulator.backUrl}/_emulator/marketplace/calls`)).status).toBe(403);
    const adele = await account(emulator, "adele@contoso.com");
    const refused = await control(emulator, "marketplace/purchases", {
      tenantId: adele.tenantId,
      oid: adele.oid,
      offerId: "saas-starter",
      planId: "no-such-plan",
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'No plan "no-such-plan" in offer "saas-starter".' });
    const badUrl = await control(emulator, "marketplace/technical-configuration", {
      publisherTenantId: seed.contoso,
      fulfillmentClientId: adele.oid,
      landingPageUrl: "https://app.example/landing#x",
    });
    expect(badUrl.status).toBe(400);
    expect((await control(emulator, "marketplace/faults", { path: "(", status: 500 })).status).toBe(400);
  });

  it("names the file and the field of a mistake in the offers, and refuses to start with it", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "offers-")), "offers.json");
    writeFileSync(
      file,
      JSON.stringify({
        offers: [
          {
            offerId: "x",
            publisherId: "me",
            displayName: "X",
            plans: [{ planId: "p", displayName: "P", termUnit: "P1W", price: 1, pricePerSeat: true }],
          },
        ],
      }),
    );
    expect(() => loadCatalog(file)).toThrow(file);
    expect(() => loadCatalog(file)).toThrow(/offers\[0\]\.plans\[0\]\.termUnit: expected "P1M"/);
    expect(() => loadCatalog(file)).toThrow(/offers\[0\]\.plans\[0\]: .*pricePerSeat/);
    await expect(
      startEmulator({ tlsDir: ".data/test-emulator-tls", marketplace: { offersFile: file } }),
    ).rejects.toThrow(file);
    expect(loadCatalog().defaultPublisherId).toBe("adatum");
  });
});
