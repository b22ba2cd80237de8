import { expect, test, type Browser, type Page } from "@playwright/test";
import { PUBLISHER_TENANT_ID, seed } from "../../emulator/directory";
import type { Served } from "../../test/load-balancer";
import { startAppCluster, type AppCluster } from "../support/app-cluster";
import { emulatorControl } from "../support/emulator-control";
import { pickAccount } from "../support/emulator-pages";
import { buyAndActivate } from "../support/marketplace";
import { signOut } from "../support/workspace";

// Several instances on one database: two standalone servers (`node server.js`) behind one public
// URL (the test's load balancer), one PostgreSQL database and one Entra ID (the emulator) for
// both. Every step pins its requests to the instances it is about, and the balancer's log proves
// the pinned instance really served them: nothing a step relies on may live in one process's
// memory. A sign-in, an admin sign-up, sessions, sign-out, a suspension, a webhook delivered to
// both at once, and the app-only token cache.
test.describe.configure({ mode: "serial" });

// The balancer; the instances on 3941 and 3942; the emulator on 3950 and 3951.
const PORT = 3940;
const A = 0;
const B = 1;

let cluster: AppCluster;
const control = emulatorControl(PORT);

test.beforeAll(async () => {
  test.setTimeout(180_000);
  cluster = await startAppCluster(PORT);
});
test.afterAll(async () => {
  await cluster?.stop();
});
// On a failure, what each instance printed, for whoever looks into it.
test.afterEach(async ({}, testInfo) => {
  if (testInfo.status === testInfo.expectedStatus || !cluster) return;
  for (const [index, instance] of cluster.instances.entries()) {
    await testInfo.attach(`instance ${"AB"[index] ?? index} output`, {
      body: instance.output(),
      contentType: "text/plain",
    });
  }
});

const url = () => cluster.url;
const newPage = async (browser: Browser): Promise<Page> => (await browser.newContext()).newPage();
const pathOf = (entry: Served) => entry.path.split("?")[0]!;

/** Every request from now on to `backend`, with a fresh log. */
function pin(backend: number): void {
  cluster.balancer.setRoute(() => backend);
  cluster.balancer.clearLog();
}

/** Who served what since the last pin: [backend, method, path] without the query. */
const served = () => cluster.balancer.log().map((entry) => [entry.backend, entry.method, pathOf(entry)] as const);
const backendsServing = () => [...new Set(cluster.balancer.log().map((entry) => entry.backend))];

const contoso = () => cluster.prisma.tenant.findUniqueOrThrow({ where: { id: seed.contoso } });

/** Megan of Contoso: her browser, signed in by the first test, used by the next ones. */
let megan: Page;

test("a trial sign-in started on instance A finishes on instance B", async ({ browser }) => {
  // Everything on A until the browser comes back from Entra ID; from the callback on, B.
  let calledBack = false;
  cluster.balancer.clearLog();
  cluster.balancer.setRoute((request) => {
    if (request.url!.startsWith("/api/auth/callback/")) calledBack = true;
    return calledBack ? B : A;
  });
  megan = await newPage(browser);
  await megan.goto(`${url()}/trial`);
  await megan.waitForURL(/\/oauth2\/v2\.0\/authorize\?/);
  await pickAccount(megan, /Megan Bowen/);
  await megan.waitForURL(`${url()}/dashboard`);
  await expect(megan.getByRole("status")).toContainText("30 days left in your trial");
  expect(await contoso()).toMatchObject({ status: "TRIAL", displayName: "Contoso" });

  // A started it (the trial link, the redirect to Entra ID); B took the callback and the rest.
  const log = cluster.balancer.log();
  const callback = log.findIndex((entry) => pathOf(entry) === "/api/auth/callback/microsoft-entra-id");
  expect(callback, JSON.stringify(log)).toBeGreaterThan(0);
  const before = log.slice(0, callback);
  const after = log.slice(callback);
  expect(before.map(pathOf)).toEqual(expect.arrayContaining(["/trial", "/trial/start"]));
  expect(new Set(before.map((entry) => entry.backend))).toEqual(new Set([A]));
  expect(after.map(pathOf)).toContain("/dashboard");
  expect(new Set(after.map((entry) => entry.backend))).toEqual(new Set([B]));
  expect(log[callback]!.status).toBe(302);
});

test("a session made on one instance works on the other", async () => {
  for (const backend of [A, B]) {
    pin(backend);
    const answer = await megan.request.get(`${url()}/api/tenant`);
    expect(answer.status()).toBe(200);
    expect(await answer.json()).toMatchObject({ tenantId: seed.contoso, status: "TRIAL" });
    await megan.goto(`${url()}/dashboard`);
    await expect(megan).toHaveURL(`${url()}/dashboard`);
    await expect(megan.getByRole("status")).toContainText("30 days left in your trial");
    expect(served()).toEqual(
      expect.arrayContaining([
        [backend, "GET", "/api/tenant"],
        [backend, "GET", "/dashboard"],
      ]),
    );
    expect(backendsServing()).toEqual([backend]);
  }
});

test("an admin sign-up's steps alternate between the instances, and it ends approved", async ({ browser }) => {
  // The sign-up's own requests take the instances in turn, A first; anything else (scripts,
  // styles) goes to A.
  const isStep = (path: string) => /^\/(signup|api\/auth)(\/|\?|$)/.test(path);
  let steps = 0;
  cluster.balancer.clearLog();
  cluster.balancer.setRoute((request) => (isStep(request.url!) ? steps++ % 2 : A));

  const ian = await newPage(browser);
  await ian.goto(`${url()}/signup`);
  await ian.waitForURL(/\/v2\.0\/adminconsent\?/);
  await pickAccount(ian, /Ian Brooks/);
  await ian.waitForURL(`${url()}/signup/approved`);
  await expect(ian.getByRole("heading", { level: 1 })).toHaveText("Fabrikam is approved");
  expect(await cluster.prisma.tenant.findUniqueOrThrow({ where: { id: seed.fabrikam } })).toMatchObject({
    consentType: "ADMIN",
    status: "TRIAL",
  });

  const stepsServed = cluster.balancer.log().filter((entry) => isStep(entry.path));
  expect(stepsServed.map((entry) => [entry.backend, pathOf(entry)])).toEqual([
    [A, "/signup"],
    [B, "/signup/callback"],
    [A, "/signup/verify"],
    [B, "/api/auth/callback/microsoft-entra-id"],
    [A, "/signup/complete"],
    [B, "/signup/approved"],
  ]);
});

test("signing out through instance A ends the session on instance B", async ({ browser }) => {
  const cookies = await megan.context().cookies();
  expect(cookies.find((cookie) => cookie.name === "appsource.session")).toBeDefined();

  pin(A);
  await signOut(megan);
  await megan.waitForURL(`${url()}/signed-out`);
  await expect(megan.getByRole("heading", { level: 1 })).toHaveText("You are signed out");
  // The sign-out itself (the server action's POST) reached A, and nothing reached B.
  expect(served()).toEqual(expect.arrayContaining([[A, "POST", "/dashboard"]]));
  expect(backendsServing()).toEqual([A]);

  // Her old cookie, put back in another browser, on B: signed out there too.
  pin(B);
  const replay = await browser.newContext();
  await replay.addCookies(cookies);
  const again = await replay.newPage();
  expect((await again.request.get(`${url()}/api/tenant`)).status()).toBe(401);
  await again.goto(`${url()}/dashboard`);
  await expect(again).toHaveURL(`${url()}/`);
  expect(served()).toEqual(
    expect.arrayContaining([
      [B, "GET", "/api/tenant"],
      [B, "GET", "/dashboard"],
    ]),
  );
  expect(backendsServing()).toEqual([B]);
});

test("a suspension made through instance A's operator console cuts off Megan's open session on B at her next request", async ({
  browser,
}) => {
  // Megan signs in again, on B.
  pin(B);
  megan = await newPage(browser);
  await megan.goto(`${url()}/trial`);
  await megan.waitForURL(/\/oauth2\/v2\.0\/authorize\?/);
  await pickAccount(megan, /Megan Bowen/);
  await megan.waitForURL(`${url()}/dashboard`);
  expect(backendsServing()).toEqual([B]);

  // Pat, the publisher's operator, suspends Contoso from the console, on A.
  pin(A);
  const pat = await newPage(browser);
  await pat.goto(`${url()}/operator`);
  await pat.waitForURL(`${url()}/operator/signin`);
  await pat.getByRole("link", { name: "Sign in with Microsoft" }).click();
  await pickAccount(pat, /Pat Operator/);
  await pat.waitForURL(`${url()}/operator`);
  await pat.goto(`${url()}/operator/tenants/${seed.contoso}`);
  await act(pat, /Suspend/, "suspend", "Reported abuse, ticket 1234");
  expect((await contoso()).status).toBe("SUSPENDED");
  expect(served()).toEqual(expect.arrayContaining([[A, "POST", `/operator/tenants/${seed.contoso}`]]));
  expect(backendsServing()).toEqual([A]);

  // Megan's next request, on B: the suspended page.
  pin(B);
  await megan.goto(`${url()}/dashboard`);
  await megan.waitForURL(`${url()}/account/suspended`);
  await expect(megan.getByRole("heading", { level: 1 })).toHaveText("Access suspended");
  expect(served()).toEqual(expect.arrayContaining([[B, "GET", "/dashboard"]]));
  expect(backendsServing()).toEqual([B]);

  // Reinstated through A: she is back in, on B.
  pin(A);
  await act(pat, /Reinstate/, "reinstate", "Abuse report was unfounded");
  expect((await contoso()).status).toBe("TRIAL");
  pin(B);
  await megan.goto(`${url()}/dashboard`);
  await expect(megan).toHaveURL(`${url()}/dashboard`);
  expect(backendsServing()).toEqual([B]);
});

/** Fills and sends one action's form on the console's tenant page; waits for its outcome. */
async function act(page: Page, action: RegExp, code: string, reason: string) {
  const form = page.getByRole("form", { name: action });
  await form.getByLabel(/Reason/).fill(reason);
  await form.getByRole("checkbox").check();
  await form.getByRole("button", { name: action }).click();
  await page.waitForURL(`**/operator/tenants/*?done=${code}`);
  await expect(page.getByRole("main").getByRole("status")).toContainText("Done:");
}

test("a marketplace webhook delivered twice at once, once to each instance, is applied once", async ({ browser }) => {
  // Nancy of Northwind buys the flat-rate plan and activates it (the instances in turn).
  cluster.balancer.setRoute();
  const page = await newPage(browser);
  const { buyer: nancy, purchase } = await buyAndActivate(control, page, url(), "Nancy Davolio", "team-monthly");
  await page.context().close();

  // Microsoft suspends the subscription; the notification is held so the test sends it.
  await control("marketplace/settings", { webhookDelivery: "manual" });
  const { operationId } = (
    await control(`marketplace/subscriptions/${purchase.subscriptionId}/status`, { status: "Suspended" })
  ).json as { operationId: string };

  // The genuine delivery, twice at once: the first call to the webhook goes to A, the second to B.
  let calls = 0;
  cluster.balancer.clearLog();
  cluster.balancer.setRoute((request) => (request.url!.startsWith("/api/marketplace/webhook") ? calls++ % 2 : A));
  const answers = await Promise.all(
    [1, 2].map(
      async () =>
        (await control("marketplace/webhooks/deliver", { operationId })).json as { status: number; body: string },
    ),
  );
  const webhookCalls = served().filter(([, , path]) => path === "/api/marketplace/webhook");
  expect(webhookCalls.map(([backend, method]) => [backend, method]).sort()).toEqual([
    [A, "POST"],
    [B, "POST"],
  ]);
  expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
  expect(answers.map((answer) => JSON.parse(answer.body).outcome).sort()).toEqual(["applied", "repeat"]);

  // Each instance says which it was: one applied it, the other met the first one's claim.
  const said = (outcome: string) =>
    cluster.instances.filter((instance) =>
      instance.output().includes(`operation ${operationId} of subscription ${purchase.subscriptionId}: ${outcome}`),
    ).length;
  await expect.poll(() => [said("applied"), said("repeat")]).toEqual([1, 1]);

  // Applied once: one outcome recorded, one audit entry, the subscription and the tenant changed once.
  expect(await cluster.prisma.marketplaceOperation.findMany({ where: { id: operationId } })).toEqual([
    expect.objectContaining({ outcome: "applied" }),
  ]);
  expect(await cluster.prisma.auditEvent.count({ where: { tenantId: nancy.tenantId, type: "tenant.suspended" } })).toBe(
    1,
  );
  expect((await cluster.prisma.subscription.findUniqueOrThrow({ where: { id: purchase.subscriptionId } })).status).toBe(
    "SUSPENDED",
  );
  expect((await cluster.prisma.tenant.findUniqueOrThrow({ where: { id: nancy.tenantId } })).status).toBe("SUSPENDED");
  await control("marketplace/settings", { webhookDelivery: "auto" });
});

test("app-only tokens are shared through the database: the second instance did not ask Entra ID again", async () => {
  // The instances started one after the other (app-cluster.ts), each asking for the fulfillment
  // app's token at start (lib/startup.ts): A first, then B. Both hold one...
  for (const instance of cluster.instances) {
    const health = await (await fetch(`${instance.url}/api/health`)).json();
    expect(health, instance.url).toMatchObject({ checks: { marketplaceCredential: "ok" } });
    expect(instance.output()).toContain("[marketplace] fulfillment app credential accepted");
  }
  // ...and Entra ID issued one, to A: B read it from the cache in the database, encrypted there,
  // and every call to the marketplace since (activation, the webhook) used it too.
  const stats = (await control("stats")).json as { clientCredentialRequests: Record<string, number> };
  expect(stats.clientCredentialRequests[cluster.env.MARKETPLACE_CLIENT_ID!]).toBe(1);
  const cached = await cluster.prisma.tokenCache.findUnique({
    where: { partition: `marketplace:${PUBLISHER_TENANT_ID}` },
  });
  expect(cached?.data).toBeTruthy();
});

test("both instances ran the job worker beside each other, and neither logged an error or a warning", () => {
  for (const instance of cluster.instances) {
    expect(instance.output()).toContain("[jobs] worker started");
    expect(instance.output()).not.toMatch(/error|warn/i);
  }
});
