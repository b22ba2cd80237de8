import { expect, test, type Browser, type Page } from "@playwright/test";
import { startAppServer, type AppServer } from "./support/app-server";
import { pickAccount } from "./support/emulator-pages";
import { expectNoAxeViolations } from "./support/axe";
import { FORGERIES } from "../emulator/marketplace/webhook-token";
import { emulatorControl } from "./support/emulator-control";
import { buyAndActivate, signInAtLanding } from "./support/marketplace";

// The subscription's life after activation, end to end: the local marketplace calls our webhook
// with tokens of the emulated Entra ID, as Microsoft does. A customer's seat change (accepted, or
// refused by the policy), seats enforced by the gate, a suspension that cuts off an open session
// and its reinstatement, cancellation; forged calls refused; repeats applied once.
test.describe.configure({ mode: "serial" });

const PORT = 3840;
const CONTOSO = "4a1e9b5c-2f3d-4c8a-9e6b-1d2c3b4a5f60";

let app: AppServer;
const control = emulatorControl(PORT);
const front = () => app.url.replace(String(PORT), String(PORT + 10));

type Delivery = { operationId: string; action: string; status: number; forged?: string };

const CRON_SECRET = "e2e-cron-secret-0123456789abcdef";

test.beforeAll(async () => {
  app = await startAppServer(PORT, { env: { CRON_SECRET } });
});
test.afterAll(async () => {
  await app?.stop();
});

async function deliveries(operationId?: string): Promise<Delivery[]> {
  const { deliveries: all } = (await control("marketplace/webhooks")).json as { deliveries: Delivery[] };
  return operationId ? all.filter((delivery) => delivery.operationId === operationId) : all;
}

async function newPage(browser: Browser, size = { width: 1280, height: 800 }): Promise<Page> {
  return (await browser.newContext({ viewport: size })).newPage();
}

async function signIn(page: Page, name: RegExp, path = "/trial") {
  await page.goto(`${app.url}${path}`);
  await pickAccount(page, name);
  await page.waitForURL((url) => url.origin === app.url && !url.pathname.startsWith("/api/"));
}

const tenant = () => app.prisma.tenant.findUniqueOrThrow({ where: { id: CONTOSO } });
const subscriptionRow = (id: string) => app.prisma.subscription.findUniqueOrThrow({ where: { id } });

test("a Contoso subscription's whole life: seats, a refused change, suspension, reinstatement, renewal, a plan change, cancellation", async ({
  browser,
}, testInfo) => {
  // Megan (first of Contoso: its admin) buys 1 seat of the per-user plan and activates it.
  const megan = await newPage(browser);
  await megan.goto(`${front()}/marketplace`);
  const asMegan = megan.getByRole("button", { name: /Megan Bowen/ });
  if (await asMegan.isVisible()) await asMegan.click();
  await megan.getByRole("radio", { name: /Per user/ }).check();
  await megan.getByLabel(/Number of users/).fill("1");
  await megan.getByRole("button", { name: "Purchase" }).click();
  await megan.waitForURL(`${app.url}/marketplace?token=**`);
  await signInAtLanding(megan, app.url, /Megan Bowen/);
  await megan.getByRole("button", { name: "Activate subscription" }).click();
  await megan.waitForURL(`${app.url}/plan?subscription=activated`);
  const { id: subscriptionId } = await app.prisma.subscription.findFirstOrThrow({ where: { tenantId: CONTOSO } });
  expect((await tenant()).seatLimit).toBe(1);

  // Alex of Contoso signs in: the one seat is Megan's.
  const alex = await newPage(browser, { width: 390, height: 844 });
  await signIn(alex, /Alex Wilber/);
  await alex.goto(`${app.url}/dashboard`);
  await alex.waitForURL(`${app.url}/account/no-seat`);
  await expect(alex.getByRole("heading", { level: 1 })).toHaveText("Your organization is out of seats");
  await expect(alex.getByRole("main")).toContainText("Megan Bowen");
  await expectNoAxeViolations(alex, "out of seats");
  await alex.screenshot({ path: testInfo.outputPath("no-seat-phone.png"), fullPage: true });

  // Megan adds a user on the marketplace's page: the webhook's ChangeQuantity, accepted.
  await megan.goto(`${front()}/marketplace/subscriptions`);
  await megan
    .getByLabel(/Number of users/)
    .first()
    .fill("2");
  await megan
    .getByRole("button", { name: /Change number of users/ })
    .first()
    .click();
  await expect.poll(async () => (await subscriptionRow(subscriptionId)).quantity).toBe(2);
  expect((await tenant()).seatLimit).toBe(2);
  const accepted = (
    await app.prisma.auditEvent.findMany({ where: { tenantId: CONTOSO, type: "subscription.quantity_changed" } })
  )[0]!;
  expect(accepted.detail).toMatchObject({ subscriptionId, quantity: 2 });
  const operations = (await control("marketplace/subscriptions")).json as {
    operations: { id: string; action: string; status: string }[];
  };
  const change = operations.operations.find(
    (operation) => operation.id === (accepted.detail as { operationId: string }).operationId,
  )!;
  expect(change).toMatchObject({ action: "ChangeQuantity", status: "Succeeded" });

  // Alex tries again and is in; Megan's Team page shows both seats taken.
  await alex.getByRole("button", { name: "Try again" }).click();
  await alex.waitForURL(`${app.url}/dashboard`);
  await megan.goto(`${app.url}/team`);
  await expect(megan.getByRole("main")).toContainText("Your plan has 2 seat(s); 2 in use.");

  // Down to 1 seat while 2 people use the app: the policy refuses; Microsoft is told Failure.
  const fewer = (await control(`marketplace/subscriptions/${subscriptionId}/change`, { quantity: 1 })).json as {
    operationId: string;
  };
  await expect
    .poll(async () => (await deliveries(fewer.operationId)).map((delivery) => delivery.status))
    .toEqual([200]);
  const refused = (
    (await control("marketplace/subscriptions")).json as { operations: { id: string; status: string }[] }
  ).operations.find((operation) => operation.id === fewer.operationId)!;
  expect(refused.status).toBe("Failed");
  expect((await subscriptionRow(subscriptionId)).quantity).toBe(2);

  // Microsoft suspends the subscription (a payment problem): Alex's open session is cut off at
  // his next request, with a page that says what to do.
  await control(`marketplace/subscriptions/${subscriptionId}/status`, { status: "Suspended" });
  await expect.poll(async () => (await tenant()).status).toBe("SUSPENDED");
  expect((await tenant()).suspensionReason).toBe("MARKETPLACE");
  await alex.goto(`${app.url}/dashboard`);
  await alex.waitForURL(`${app.url}/account/suspended?why=billing`);
  await expect(alex.getByRole("heading", { level: 1 })).toHaveText("Your subscription is suspended");
  await expect(alex.getByRole("main")).toContainText("Your data has not been deleted");
  await expectNoAxeViolations(alex, "suspended for billing");
  await alex.screenshot({ path: testInfo.outputPath("suspended-billing-phone.png"), fullPage: true });

  // Reinstated: back in.
  await control(`marketplace/subscriptions/${subscriptionId}/status`, { status: "Subscribed" });
  await expect.poll(async () => (await tenant()).status).toBe("ACTIVE");
  await alex.goto(`${app.url}/dashboard`);
  await expect(alex).toHaveURL(`${app.url}/dashboard`);

  // Microsoft renews the subscription: the new term, read from the marketplace.
  const renewed = (await control(`marketplace/subscriptions/${subscriptionId}/renew`, {})).json as {
    subscription: { term: { startDate: string; endDate: string } };
  };
  await expect
    .poll(async () => (await subscriptionRow(subscriptionId)).termEndsAt?.toISOString().slice(0, 10))
    .toBe(renewed.subscription.term.endDate.slice(0, 10));

  // Megan moves to the flat-rate plan: the policy accepts, and seats no longer count.
  await control(`marketplace/subscriptions/${subscriptionId}/change`, { planId: "team-monthly" });
  await expect.poll(async () => (await subscriptionRow(subscriptionId)).planId).toBe("team-monthly");
  expect((await subscriptionRow(subscriptionId)).quantity).toBeNull();
  expect((await tenant()).seatLimit).toBeNull();

  // Megan cancels on the marketplace's page: the workspace ends, its data kept for a while.
  await megan.goto(`${front()}/marketplace/subscriptions`);
  await megan
    .getByRole("button", { name: /Cancel subscription/ })
    .first()
    .click();
  await expect.poll(async () => (await tenant()).status).toBe("ENDED");
  await megan.goto(`${app.url}/dashboard`);
  await megan.waitForURL(`${app.url}/account/ended`);
  await expect(megan.getByRole("heading", { level: 1 })).toHaveText("Your subscription has ended");
  await expect(megan.getByRole("main")).toContainText("Your data is kept until");
  await expectNoAxeViolations(megan, "subscription ended");
  await megan.screenshot({ path: testInfo.outputPath("ended-desktop.png"), fullPage: true });
  const types = (await app.prisma.auditEvent.findMany({ where: { tenantId: CONTOSO } })).map((event) => event.type);
  expect(types).toEqual(
    expect.arrayContaining([
      "subscription.change_refused",
      "tenant.suspended",
      "tenant.reinstated",
      "subscription.unsubscribed",
      "tenant.ended",
    ]),
  );
});

test("forged webhook calls are refused with 401 and change nothing; a repeat, even two at once, is applied once", async ({
  browser,
}) => {
  // Nancy of Northwind buys a flat-rate plan and activates it on the landing page.
  const page = await newPage(browser);
  const { buyer: nancy, purchase } = await buyAndActivate(control, page, app.url, "Nancy Davolio", "team-monthly");

  // Microsoft suspends it; the notification is held so the test delivers it, forged and genuine.
  await control("marketplace/settings", { webhookDelivery: "manual" });
  const { operationId } = (
    await control(`marketplace/subscriptions/${purchase.subscriptionId}/status`, { status: "Suspended" })
  ).json as { operationId: string };
  for (const forge of FORGERIES) {
    const answer = (await control("marketplace/webhooks/deliver", { operationId, forge })).json as { status: number };
    expect(answer.status, forge).toBe(401);
  }
  const northwind = () => app.prisma.tenant.findUniqueOrThrow({ where: { id: nancy.tenantId } });
  expect((await northwind()).status).toBe("ACTIVE");
  expect(await app.prisma.marketplaceOperation.count({ where: { id: operationId } })).toBe(0);

  // The genuine one, twice at once (v2 and v1 tokens), then once more: applied once.
  const answers = await Promise.all(
    (["v2", "v1"] as const).map(
      async (version) =>
        ((await control("marketplace/webhooks/deliver", { operationId, version })).json as { status: number }).status,
    ),
  );
  expect(answers).toEqual([200, 200]);
  const again = (await control("marketplace/webhooks/deliver", { operationId })).json as {
    status: number;
    body: string;
  };
  expect(again.status).toBe(200);
  expect(JSON.parse(again.body)).toEqual({ outcome: "repeat" });
  expect((await northwind()).status).toBe("SUSPENDED");
  expect(await app.prisma.auditEvent.count({ where: { tenantId: nancy.tenantId, type: "tenant.suspended" } })).toBe(1);

  // Out of order: a Reinstate, then a new Suspend; the newer arrives first, the older is stale.
  const reinstate = (
    await control(`marketplace/subscriptions/${purchase.subscriptionId}/status`, { status: "Subscribed" })
  ).json as { operationId: string };
  const suspendAgain = (
    await control(`marketplace/subscriptions/${purchase.subscriptionId}/status`, { status: "Suspended" })
  ).json as { operationId: string };
  const bodyOf = async (operationId: string) =>
    JSON.parse(((await control("marketplace/webhooks/deliver", { operationId })).json as { body: string }).body);
  expect(await bodyOf(suspendAgain.operationId)).toEqual({ outcome: "applied" });
  expect(await bodyOf(reinstate.operationId)).toEqual({ outcome: "ignored", reason: "stale" });
  expect((await northwind()).status).toBe("SUSPENDED");
  expect((await app.prisma.subscription.findUniqueOrThrow({ where: { id: purchase.subscriptionId } })).status).toBe(
    "SUSPENDED",
  );
  await control("marketplace/settings", { webhookDelivery: "auto" });
});

test("metered usage: a note counts, the hour above the included quantity is billed once through the cron route", async ({
  browser,
}) => {
  // Contoso's subscription ended in the first test: Megan buys the flat-rate plan again (its
  // workspace comes back ACTIVE), which meters notes beyond 1,000 a month.
  const bought = (
    await control("marketplace/purchases", {
      tenantId: CONTOSO,
      oid: "0a7c1f2e-1b3d-4e5f-8a9b-0c1d2e3f4a02",
      offerId: "saas-starter",
      planId: "team-monthly",
    })
  ).json as { subscriptionId: string; landingUrl: string };
  const megan = await newPage(browser);
  await megan.goto(bought.landingUrl);
  await signInAtLanding(megan, app.url, /Megan Bowen/);
  await megan.getByRole("button", { name: "Activate subscription" }).click();
  await megan.waitForURL(`${app.url}/plan?subscription=activated`);
  expect((await tenant()).status).toBe("ACTIVE");

  // The product records usage as people use it: one note, one unit of "notes".
  await megan.goto(`${app.url}/notes`);
  await megan.getByLabel("Title").fill("Quarterly plan");
  await megan.getByRole("button", { name: "Add note" }).click();
  await expect(megan.getByRole("main")).toContainText("Quarterly plan");
  const usage = () => app.prisma.usageRecord.findMany({ where: { subscriptionId: bought.subscriptionId } });
  expect((await usage()).map((record) => [record.dimension, Number(record.quantity)])).toEqual([["notes", 1]]);
  await megan.goto(`${app.url}/plan`);
  const table = megan.getByRole("table", { name: "Usage this term" });
  await expect(table.getByRole("row", { name: /notes/ })).toHaveText(/notes\s*1\s*1,000/);
  await expectNoAxeViolations(megan, "plan with metered usage");
  // A busy hour, two hours ago (the job counts complete hours): 1,002 more notes.
  const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000);
  await app.prisma.usageRecord.updateMany({
    where: { subscriptionId: bought.subscriptionId },
    data: { occurredAt: new Date(hour.getTime() + 60_000) },
  });
  await app.prisma.usageRecord.create({
    data: {
      tenantId: CONTOSO,
      subscriptionId: bought.subscriptionId,
      planId: "team-monthly",
      dimension: "notes",
      quantity: 1_002,
      occurredAt: new Date(hour.getTime() + 120_000),
    },
  });

  const run = (secret: string) => fetch(`${app.url}/api/jobs/run`, { headers: { authorization: `Bearer ${secret}` } });
  expect((await run("not-the-secret")).status).toBe(401);
  const answer = await run(CRON_SECRET);
  expect(answer.status).toBe(200);
  const sent = await app.prisma.meteredHour.findFirstOrThrow({ where: { subscriptionId: bought.subscriptionId } });
  expect(sent).toMatchObject({ dimension: "notes", hour, status: "SENT", marketplaceStatus: "Accepted" });
  expect([Number(sent.quantity), Number(sent.billable)]).toEqual([1_003, 3]);
  expect(sent.usageEventId).toBeTruthy();

  // Run again: nothing is sent twice.
  const batches = async () =>
    (
      (await control("marketplace/calls")).json as { calls: { method: string; path: string; status: number }[] }
    ).calls.filter((call) => call.path.endsWith("/batchUsageEvent"));
  const before = await batches();
  expect(before.map((call) => call.status)).toEqual([200]);
  expect((await run(CRON_SECRET)).status).toBe(200);
  expect(await batches()).toHaveLength(1);
  expect(await app.prisma.meteredHour.count({ where: { subscriptionId: bought.subscriptionId } })).toBe(1);
});
