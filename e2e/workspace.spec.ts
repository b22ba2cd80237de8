import { expect, test, type Browser, type Page } from "@playwright/test";
import { startAppServer, type AppServer } from "./support/app-server";
import { expectAccessibleAndContained } from "./support/axe";
import { pickAccount } from "./support/emulator-pages";
import { openAccountMenu } from "./support/workspace";

// The customer's workspace, as a person meets it at desktop and phone sizes: the shell (the
// organization's name, navigation, the account menu) and its pages, each with one h1, nothing
// overflowing, and no axe-core violation. Screenshots go to the test results (not committed).
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
const PAGES = [
  ["/dashboard", "Overview"],
  ["/notes", "Notes"],
  ["/team", "Team"],
  ["/settings", "Settings"],
  ["/plan", "Plan"],
] as const;

test.describe.configure({ mode: "serial" });

let app: AppServer;
test.beforeAll(async () => {
  app = await startAppServer(3460);
});
test.afterAll(async () => {
  await app?.stop();
});

async function signIn(browser: Browser, name: RegExp, size: keyof typeof SIZES): Promise<Page> {
  const page = await (await browser.newContext({ viewport: SIZES[size] })).newPage();
  await page.goto(`${app.url}/trial`);
  await page.waitForURL(/\/oauth2\/v2\.0\/authorize\?/);
  await pickAccount(page, name);
  await page.waitForURL(`${app.url}/dashboard`);
  return page;
}

for (const size of Object.keys(SIZES) as (keyof typeof SIZES)[]) {
  test(`every workspace page at ${size} size: the organization's real name, one h1, nothing overflows, axe finds nothing`, async ({
    browser,
  }, testInfo) => {
    const page = await signIn(browser, /Megan Bowen/, size);
    await expect(page.getByRole("link", { name: "Contoso" })).toBeVisible();
    for (const [path, title] of PAGES) {
      await page.goto(`${app.url}${path}`);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
      await expectAccessibleAndContained(page, `${path} at ${size}`);
      await page.screenshot({ path: testInfo.outputPath(`${title.toLowerCase()}-${size}.png`), fullPage: true });
    }
  });
}

test("on phones the navigation folds into a menu; the current page is marked", async ({ browser }) => {
  const page = await signIn(browser, /Alex Wilber/, "phone");
  const nav = page.getByRole("navigation", { name: "Workspace" });
  await expect(nav.getByRole("link", { name: "Team", exact: true })).toBeHidden();
  await nav.getByText("Menu").click();
  await nav.getByRole("link", { name: "Team", exact: true }).click();
  await page.waitForURL(`${app.url}/team`);
  await expect(nav.getByRole("link", { name: "Team", exact: true })).toBeHidden(); // folded again on the new page
  await nav.getByText("Menu").click();
  await expect(nav.getByRole("link", { name: "Team", exact: true })).toHaveAttribute("aria-current", "page");
});

test("the account menu names the person and the organization, and 'Use another account' reaches Microsoft's account picker", async ({
  browser,
}) => {
  const page = await signIn(browser, /Megan Bowen/, "desktop");
  await openAccountMenu(page);
  const menu = page.locator("details").filter({ hasText: "Sign out of Microsoft too" });
  await expect(menu).toContainText("megan@contoso.com");
  await expect(menu).toContainText("Contoso");
  await menu.getByRole("link", { name: "Use another account" }).click();
  await page.waitForURL(/\/oauth2\/v2\.0\/authorize\?/);
  expect(new URL(page.url()).searchParams.get("prompt")).toBe("select_account");
  await expect(page.getByRole("button", { name: /Alex Wilber/ })).toBeVisible();
  // The session this browser had ended when the other sign-in started.
  expect((await page.request.get(`${app.url}/api/tenant`)).status()).toBe(401);
});

test("the Plan page offers the upgrade to the organization's admin, and tells a member to ask them", async ({
  browser,
}) => {
  const admin = await signIn(browser, /Megan Bowen/, "desktop"); // the first of Contoso: its admin
  await admin.goto(`${app.url}/plan`);
  await expect(admin.getByRole("link", { name: "Choose a plan" })).toBeVisible();
  const member = await signIn(browser, /Alex Wilber/, "desktop");
  await member.goto(`${app.url}/plan`);
  await expect(member.getByRole("link", { name: "Choose a plan" })).toHaveCount(0);
  await expect(member.getByText("Ask your organization's admin")).toBeVisible();
});

test("a tenant admin promotes a colleague, suspends and reactivates them; a member sees no such actions", async ({
  browser,
}) => {
  const alex = await signIn(browser, /Alex Wilber/, "desktop");
  await alex.goto(`${app.url}/team`);
  await expect(alex.getByRole("columnheader", { name: "Actions" })).toHaveCount(0);
  await expect(alex.getByRole("button", { name: /Suspend|Make admin/ })).toHaveCount(0);

  const megan = await signIn(browser, /Megan Bowen/, "desktop");
  await megan.goto(`${app.url}/team`);
  const alexRow = { where: { email: "alex@contoso.com" } } as const;
  await megan.getByRole("button", { name: "Make Alex Wilber an admin" }).click();
  await expect(megan.getByRole("status")).toHaveText("Done: they are an admin now.");
  expect((await app.prisma.user.findFirstOrThrow(alexRow)).role).toBe("ADMIN");
  await megan.getByRole("button", { name: "Make Alex Wilber a member" }).click();
  await expect(megan.getByRole("status")).toHaveText("Done: they are a member now.");

  await megan.getByRole("button", { name: "Suspend Alex Wilber" }).click();
  await expect(megan.getByRole("status")).toContainText("suspended");
  await alex.goto(`${app.url}/dashboard`); // Alex's open session, at its next request
  await expect(alex).toHaveURL(`${app.url}/account/suspended?who=user`);

  await megan.getByRole("button", { name: "Reactivate Alex Wilber" }).click();
  await expect(megan.getByRole("status")).toHaveText("Done: their access is restored.");
  await alex.goto(`${app.url}/dashboard`);
  await expect(alex.getByRole("heading", { level: 1 })).toHaveText("Overview");

  const events = await app.prisma.auditEvent.findMany({ where: { type: { in: ["user.promoted", "user.suspended"] } } });
  expect(events.map((event) => event.actor)).toEqual(
    expect.arrayContaining([expect.stringContaining("0a7c1f2e-1b3d-4e5f-8a9b-0c1d2e3f4a02")]),
  );
});

test("the sample product feature: a note written by one person is the organization's, and only its author or an admin deletes it", async ({
  browser,
}) => {
  const megan = await signIn(browser, /Megan Bowen/, "desktop"); // the first of Contoso: its admin
  const alex = await signIn(browser, /Alex Wilber/, "desktop");
  await alex.goto(`${app.url}/notes`);
  await alex.getByLabel("Title").fill("Quarterly review");
  await alex.getByLabel("Text").fill("Slides are in the shared folder.");
  await alex.getByRole("button", { name: "Add note" }).click();
  await expect(alex.getByRole("status")).toHaveText("Your note is added.");

  await megan.goto(`${app.url}/notes`);
  await expect(megan.getByText("Slides are in the shared folder.")).toBeVisible();
  await megan.getByLabel("Title").fill("Megan's own note");
  await megan.getByRole("button", { name: "Add note" }).click();
  await alex.goto(`${app.url}/notes`);
  // Alex, a member, may delete his own note, not his admin's.
  await expect(alex.getByRole("button", { name: `Delete the note "Megan's own note"` })).toHaveCount(0);
  await megan.goto(`${app.url}/notes`);
  await megan.getByRole("button", { name: 'Delete the note "Quarterly review"' }).click();
  await expect(megan.getByRole("status")).toHaveText("The note is deleted.");
  await expect(megan.getByText("Slides are in the shared folder.")).toHaveCount(0);
  const events = await app.prisma.auditEvent.findMany({ where: { type: { in: ["note.added", "note.deleted"] } } });
  expect(events.map((event) => event.type).sort()).toEqual(["note.added", "note.added", "note.deleted"]);
});

test("an admin confirms the contact read from their account and corrects the organization's name; a member only reads them", async ({
  browser,
}) => {
  const megan = await signIn(browser, /Megan Bowen/, "desktop");
  await megan.goto(`${app.url}/settings`);
  // What Megan's account says is proposed, to confirm or correct.
  await expect(megan.getByLabel("E-mail")).toHaveValue("megan@contoso.com");
  await expect(megan.getByRole("button", { name: "Confirm and save" })).toBeVisible();

  // A mistake is named in our words, and what was typed stays in the form.
  await megan.getByLabel("Organization name").fill("Contoso Pharmaceuticals");
  await megan.getByLabel("Phone").fill("call me");
  await megan.getByRole("button", { name: "Confirm and save" }).click();
  await expect(megan.getByRole("main").getByRole("alert")).toHaveText("Some details need a correction: see below.");
  await expect(megan.getByText("Enter a phone number such as +1 425 555 0100, or leave it empty.")).toBeVisible();
  await expect(megan.getByLabel("Organization name")).toHaveValue("Contoso Pharmaceuticals");
  await expectAccessibleAndContained(megan, "settings with an error");

  await megan.getByLabel("Phone").fill("+1 425 555 0100");
  await megan.getByRole("button", { name: "Confirm and save" }).click();
  await expect(megan.getByRole("status")).toHaveText("Saved.");
  // The shell's header follows at once.
  await expect(megan.getByRole("link", { name: "Contoso Pharmaceuticals" })).toBeVisible();
  const tenant = await app.prisma.tenant.findFirstOrThrow({ where: { displayName: "Contoso Pharmaceuticals" } });
  expect(tenant).toMatchObject({ contactEmail: "megan@contoso.com", contactPhone: "+1 425 555 0100" });

  const alex = await signIn(browser, /Alex Wilber/, "desktop");
  await alex.goto(`${app.url}/settings`);
  await expect(alex.getByText("Only your organization's admins can change these settings.")).toBeVisible();
  await expect(alex.getByRole("textbox")).toHaveCount(0);
  await expect(alex.getByText("Megan Bowen · megan@contoso.com")).toBeVisible();
});
