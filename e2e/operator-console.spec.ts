import { expect, test, type Browser, type Page } from "@playwright/test";
import { startAppServer, type AppServer } from "./support/app-server";
import { assignAppRole } from "./support/app-roles";
import { expectNoAxeViolations } from "./support/axe";
import { pickAccount } from "./support/emulator-pages";

// The operator console, end to end in real Chromium with the emulator (partner-led trials, so a
// tenant waits for approval): the demo operator Pat of Adatum signs in, finds a tenant by domain,
// approves, extends, suspends (the customer's open session is cut off), reinstates, and the audit
// log names her and her reasons. Contoso's Global Administrator and a publisher person without the
// role are refused, on pages and on actions called directly.
test.describe.configure({ mode: "serial" });

const PORT = 3860;
const CONTOSO = "4a1e9b5c-2f3d-4c8a-9e6b-1d2c3b4a5f60";

let app: AppServer;
test.beforeAll(async () => {
  app = await startAppServer(PORT, { env: { TRIAL_MODE: "partner" } });
});
test.afterAll(async () => {
  await app?.stop();
});

async function newPage(browser: Browser, size = { width: 1280, height: 900 }): Promise<Page> {
  return (await browser.newContext({ viewport: size })).newPage();
}

/** Through the emulator's account picker (and consent, the first time) back to the app. */
async function pick(page: Page, name: RegExp) {
  await pickAccount(page, name);
  await page.waitForURL((url) => url.origin === app.url && !url.pathname.startsWith("/api/"));
}

async function consoleSignIn(page: Page, name: RegExp) {
  await page.goto(`${app.url}/operator`);
  await page.waitForURL(`${app.url}/operator/signin`);
  await page.getByRole("link", { name: "Sign in with Microsoft" }).click();
  await pick(page, name);
}

/** Fills and sends one action's form on the tenant page; the outcome's words. */
async function act(page: Page, action: RegExp, code: string, reason: string, days?: number) {
  const form = page.getByRole("form", { name: action });
  if (days) await form.getByLabel("Days to add").fill(String(days));
  await form.getByLabel(/Reason/).fill(reason);
  await form.getByRole("checkbox").check();
  await form.getByRole("button", { name: action }).click();
  await page.waitForURL(`**/operator/tenants/*?done=${code}`);
  await expect(page.getByRole("main").getByRole("status")).toContainText("Done:");
}

const contoso = () => app.prisma.tenant.findUniqueOrThrow({ where: { id: CONTOSO } });

test("Pat runs a tenant from the console: finds it by domain, approves, extends, suspends, reinstates; the audit log names her reasons", async ({
  browser,
}, testInfo) => {
  // Megan asks for a partner-led trial: Contoso waits for approval.
  const megan = await newPage(browser);
  await megan.goto(`${app.url}/trial`);
  await pick(megan, /Megan Bowen/);
  await megan.waitForURL(`${app.url}/account/pending`);
  expect((await contoso()).status).toBe("PENDING");

  const pat = await newPage(browser);
  await consoleSignIn(pat, /Pat Operator/);
  await pat.waitForURL(`${app.url}/operator`);
  await expect(pat.getByRole("heading", { level: 1 })).toHaveText("Overview");
  await expect(pat.getByRole("table", { name: "Sign-ups per day by channel" })).toBeAttached();
  await expectNoAxeViolations(pat, "console overview");
  await pat.screenshot({ path: testInfo.outputPath("operator-overview-desktop.png"), fullPage: true });

  // Found by its domain's prefix.
  await pat.getByRole("navigation", { name: "Operator console" }).getByRole("link", { name: "Tenants" }).click();
  await pat.getByLabel(/Search/).fill("contoso.c");
  await pat.getByRole("button", { name: "Search" }).click();
  const rows = pat.getByRole("table", { name: "Tenants" }).getByRole("row");
  await expect(rows).toHaveCount(2);
  await expectNoAxeViolations(pat, "console tenants");
  await rows.nth(1).getByRole("link").click();
  await pat.waitForURL(`${app.url}/operator/tenants/${CONTOSO}`);
  await expect(pat.getByRole("main")).toContainText("PENDING");

  await act(pat, /Approve the trial/, "approve", "Signed the partner agreement");
  expect((await contoso()).status).toBe("TRIAL");
  await megan.goto(`${app.url}/dashboard`);
  await expect(megan).toHaveURL(`${app.url}/dashboard`);

  const endBefore = (await contoso()).trialEndsAt!.getTime();
  await act(pat, /Extend the trial/, "extend", "Needs two more weeks for the pilot", 14);
  expect((await contoso()).trialEndsAt!.getTime() - endBefore).toBe(14 * 86_400_000);

  await act(pat, /Suspend/, "suspend", "Reported abuse, ticket 1234");
  expect((await contoso()).status).toBe("SUSPENDED");
  await megan.goto(`${app.url}/dashboard`);
  await megan.waitForURL(`${app.url}/account/suspended`);

  await act(pat, /Reinstate/, "reinstate", "Abuse report was unfounded");
  expect((await contoso()).status).toBe("TRIAL");
  await megan.goto(`${app.url}/dashboard`);
  await expect(megan).toHaveURL(`${app.url}/dashboard`);
  await expectNoAxeViolations(pat, "console tenant detail");

  // A refused transition says why: nothing to approve any more.
  const approve = pat.getByRole("form", { name: /Approve the trial/ });
  await expect(approve).toHaveCount(0);

  // The audit log: each change with Pat's name and her reason.
  await pat.goto(`${app.url}/operator/audit?tenant=${CONTOSO}`);
  const log = pat.getByRole("main");
  for (const [type, reason] of [
    ["tenant.trial_approved", "Signed the partner agreement"],
    ["tenant.trial_extended", "Needs two more weeks for the pilot"],
    ["tenant.suspended", "Reported abuse, ticket 1234"],
    ["tenant.reinstated", "Abuse report was unfounded"],
  ]) {
    const entry = log.getByRole("listitem").filter({ hasText: type! });
    await expect(entry).toContainText("(Pat Operator)");
    await expect(entry).toContainText(`Reason: ${reason}`);
  }
  await expectNoAxeViolations(pat, "console audit log");

  // The CSV of a filter, for the operator only.
  const csv = await pat.request.get(`${app.url}/operator/tenants-export?q=contoso.com`);
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toContain(`${CONTOSO},`);

  // At phone size too.
  await pat.setViewportSize({ width: 390, height: 844 });
  for (const path of ["/operator", "/operator/tenants", `/operator/tenants/${CONTOSO}`, "/operator/audit"]) {
    await pat.goto(`${app.url}${path}`);
    await expectNoAxeViolations(pat, `console ${path} on a phone`);
    const overflow = await pat.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    expect(overflow, path).toBe(false);
  }
  await pat.screenshot({ path: testInfo.outputPath("operator-tenant-phone.png"), fullPage: true });
});

test("nobody else gets in: a customer's Global Administrator, a publisher person without the role, an action replayed without the role", async ({
  browser,
}) => {
  // Pat's own suspend request, captured to be replayed by others.
  const pat = await newPage(browser);
  await consoleSignIn(pat, /Pat Operator/);
  await pat.goto(`${app.url}/operator/tenants/${CONTOSO}`);
  const form = pat.getByRole("form", { name: /Suspend/ });
  await form.getByLabel(/Reason/).fill("A test of replays");
  await form.getByRole("checkbox").check();
  const [request] = await Promise.all([
    pat.waitForRequest((candidate) => candidate.method() === "POST" && Boolean(candidate.headers()["next-action"])),
    form.getByRole("button", { name: /Suspend/ }).click(),
  ]);
  await expect(pat.getByRole("main").getByRole("status")).toContainText("suspended");
  await app.prisma.tenant.update({
    where: { id: CONTOSO },
    data: { status: "TRIAL", statusBeforeSuspension: null, suspensionReason: null },
  });
  const replay = (page: Page) =>
    page.request.post(request.url(), {
      headers: {
        "next-action": request.headers()["next-action"]!,
        "content-type": request.headers()["content-type"]!,
        origin: app.url,
      },
      data: request.postDataBuffer()!,
    });

  // Adele administers Contoso's directory (Global Administrator): not the console's.
  const adele = await newPage(browser);
  await consoleSignIn(adele, /Adele Vance/);
  await adele.waitForURL(`${app.url}/operator/signin?refused=not-publisher`);
  await expect(adele.getByRole("main").getByRole("alert")).toContainText("own staff");
  await expectNoAxeViolations(adele, "console refused");
  await adele.goto(`${app.url}/operator/tenants`);
  await adele.waitForURL(`${app.url}/operator/signin`);
  await replay(adele);
  expect((await contoso()).status).toBe("TRIAL");
  expect((await adele.request.get(`${app.url}/operator/tenants-export`)).status()).toBe(401);

  // Lee is of the publisher's tenant, without the role.
  const lee = await newPage(browser);
  await consoleSignIn(lee, /Lee Gu/);
  await lee.waitForURL(`${app.url}/operator/signin?refused=no-role`);
  await replay(lee);
  expect((await contoso()).status).toBe("TRIAL");

  // Given Operator.Read, Lee reads but cannot act, on the page or by replaying Pat's action.
  await assignAppRole(PORT, "lee@adatum.com", "Operator.Read");
  await consoleSignIn(lee, /Lee Gu/);
  await lee.goto(`${app.url}/operator/tenants/${CONTOSO}`);
  await expect(lee.getByRole("main")).toContainText("lets you read the console only");
  await expect(lee.getByRole("form")).toHaveCount(0);
  await replay(lee);
  expect((await contoso()).status).toBe("TRIAL");

  // The same replay from Pat's session does suspend: the refusals above are the gate's, not a
  // broken replay.
  await replay(pat);
  await expect.poll(async () => (await contoso()).status).toBe("SUSPENDED");

  // A console session is short: once it ends, the console asks again (and reads the roles again).
  await app.prisma.operatorSession.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
  await pat.goto(`${app.url}/operator/tenants`);
  await pat.waitForURL(`${app.url}/operator/signin`);
});
