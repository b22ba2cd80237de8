import { expect, test, type Browser, type Page } from "@playwright/test";
import { startAppServer, type AppServer } from "./support/app-server";
import { expectAccessibleAndContained } from "./support/axe";
import { pickAccount } from "./support/emulator-pages";

test("the home page renders without errors in the browser", async ({ page }) => {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));

  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  // Nothing configured: the template's product name and the 30-day default of TRIAL_DAYS.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Try AppSource SaaS Starter free for 30 days");
  await expect(page).toHaveTitle("AppSource SaaS Starter");
  expect(problems).toEqual([]);
});

test("health answers 200 with the database up, and is never cached", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(response.headers()["cache-control"]).toBe("no-store");
  // The server checks the marketplace's fulfillment credential at start (production): the health
  // check reports it without waiting for a purchase.
  await expect
    .poll(async () => (await request.get("/api/health")).json())
    .toEqual({ status: "ok", checks: { database: "up", marketplaceCredential: "ok" } });
});

test("an unknown address gets a page written for people", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Go to the home page" })).toHaveAttribute("href", "/");
});

test("the pages people meet when they cannot get in are written for them", async ({ page }) => {
  for (const [path, heading] of [
    ["/account/pending", "We are setting up your environment"],
    ["/account/suspended", "Access suspended"],
    ["/account/consent-revoked", "Your administrator needs to sign up again"],
    ["/trial/expired", "Your free trial has ended"],
    ["/signin/personal-account", "Use your work or school account"],
    ["/signup/refused?reason=not-admin", "An administrator must sign up the organization"],
    ["/signin/error?error=OAuthCallbackError", "Sign-in did not complete"],
  ] as const) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
  }
});

test("text from the URL is never shown as ours or Microsoft's: the page picks its words from the error code", async ({
  page,
}) => {
  let dialog = false;
  page.on("dialog", async (prompt) => {
    dialog = true;
    await prompt.dismiss();
  });
  const description = `AADSTS50000: Your account is locked. Call +1 555 0100. <img src=x onerror="alert(1)"><b>bold</b>`;
  await page.goto(`/signin/error?error=server_error&error_description=${encodeURIComponent(description)}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign-in did not complete");
  await expect(page.locator("main")).not.toContainText("555 0100");
  await expect(page.locator("main")).not.toContainText("locked");
  await expect(page.getByText(/Reference for support: [0-9a-f-]{36} \(AADSTS50000\)/)).toBeVisible();
  expect(await page.locator("main img, main b").count()).toBe(0);
  expect(dialog).toBe(false);

  // The same for the organization sign-up's page, whatever its query carries.
  await page.goto(`/signup/refused?reason=constructor&error_description=${encodeURIComponent(description)}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Organization sign-up did not complete");
  await expect(page.locator("main")).not.toContainText("555 0100");
});

test("a provider error on the callback URL lands on the app's page, not Auth.js's", async ({ page }) => {
  await page.goto(
    `/api/auth/callback/microsoft-entra-id?error=access_denied&error_description=${encodeURIComponent("AADSTS65004: User declined to consent to access the app.")}&state=x`,
  );
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("You did not accept the permissions");
});

// The home page and the legal pages of a deployment that named its product, company, support
// address and trial length (lib/config.ts), at desktop and phone sizes: what a visitor from
// AppSource sees first, one h1 per page, nothing overflowing, no axe-core violation.
// Screenshots go to the test results (not committed).
test.describe("the home page and the legal pages, as the company configured them", () => {
  const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
  const BRAND = {
    PRODUCT_NAME: "Contoso Notes",
    COMPANY_NAME: "Contoso Software Ltd.",
    SUPPORT_EMAIL: "help@contoso-notes.example",
    TRIAL_DAYS: "14",
  };
  const LEGAL_PAGES = [
    ["Privacy", "/privacy", "Privacy statement"],
    ["Terms", "/terms", "Terms of use"],
  ] as const;

  test.describe.configure({ mode: "serial" });

  let app: AppServer;
  test.beforeAll(async () => {
    app = await startAppServer(3570, { env: BRAND });
  });
  test.afterAll(async () => {
    await app?.stop();
  });

  async function openHome(browser: Browser, size: keyof typeof SIZES): Promise<Page> {
    const page = await (await browser.newContext({ viewport: SIZES[size] })).newPage();
    const response = await page.goto(app.url);
    expect(response?.status()).toBe(200);
    return page;
  }

  /** The footer of every page: the legal pages, the support address, the company. */
  async function expectFooter(page: Page) {
    const footer = page.getByRole("contentinfo");
    await expect(footer.getByRole("link", { name: "Privacy", exact: true })).toHaveAttribute("href", "/privacy");
    await expect(footer.getByRole("link", { name: "Terms", exact: true })).toHaveAttribute("href", "/terms");
    await expect(footer.getByRole("link", { name: BRAND.SUPPORT_EMAIL })).toHaveAttribute(
      "href",
      `mailto:${BRAND.SUPPORT_EMAIL}`,
    );
    await expect(footer).toContainText(/© \d{4} Contoso Software Ltd\./);
  }

  for (const size of Object.keys(SIZES) as (keyof typeof SIZES)[]) {
    test(`the home page at ${size} size: the trial's length, no credit card, Microsoft's button first, the admin's link`, async ({
      browser,
    }, testInfo) => {
      const page = await openHome(browser, size);
      await expect(page).toHaveTitle("Contoso Notes");
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Try Contoso Notes free for 14 days");
      await expect(page.getByRole("main")).toContainText("No credit card");
      await expect(page.getByRole("main")).not.toContainText("30 days");

      // The primary action, above the fold at both sizes: Microsoft's sign-in button to the trial.
      const signIn = page.getByRole("link", { name: "Sign in with Microsoft" });
      await expect(signIn).toHaveAttribute("href", "/trial");
      await expect(signIn).toBeInViewport();
      await expect(page.getByRole("link", { name: "IT admin? Approve for your whole organization" })).toHaveAttribute(
        "href",
        "/signup",
      );

      await expect(page.getByRole("heading", { level: 2, name: "How it works" })).toBeVisible();
      await expect(page.getByRole("main").getByRole("heading", { level: 3 })).toHaveCount(3);
      // A production deployment signs in with Microsoft Entra ID: no development notice.
      await expect(page.getByText("local Microsoft Entra ID emulator")).toHaveCount(0);

      await expectFooter(page);
      await expectAccessibleAndContained(page, `/ at ${size}`);
      await page.screenshot({ path: testInfo.outputPath(`home-${size}.png`), fullPage: true });
    });

    test(`the footer's Privacy and Terms at ${size} size: one h1 each, the company's names, nothing overflows, axe finds nothing`, async ({
      browser,
    }, testInfo) => {
      const page = await openHome(browser, size);
      for (const [link, path, title] of LEGAL_PAGES) {
        if (path !== LEGAL_PAGES[0][1]) await page.goto(app.url);
        await page.getByRole("contentinfo").getByRole("link", { name: link, exact: true }).click();
        await page.waitForURL(`${app.url}${path}`);
        await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
        await expect(page).toHaveTitle(`${title} · Contoso Notes`);

        const main = page.getByRole("main");
        await expect(main).toContainText(`Contoso Notes, provided by ${BRAND.COMPANY_NAME}`);
        await expect(main.getByRole("link", { name: BRAND.SUPPORT_EMAIL }).first()).toHaveAttribute(
          "href",
          `mailto:${BRAND.SUPPORT_EMAIL}`,
        );
        // Until the company writes its own, the page says it is a template.
        await expect(page.getByRole("note")).toContainText("Template to replace");

        await expectFooter(page);
        await expectAccessibleAndContained(page, `${path} at ${size}`);
        await page.screenshot({ path: testInfo.outputPath(`${path.slice(1)}-${size}.png`), fullPage: true });
      }
      // The terms state the trial this deployment offers.
      await expect(page.getByRole("main")).toContainText("free for 14 days, without a credit card");
    });
  }

  test("a visitor already signed in is offered the way to the workspace instead of the trial", async ({ browser }) => {
    const page = await (await browser.newContext({ viewport: SIZES.desktop })).newPage();
    await page.goto(`${app.url}/trial`);
    await page.waitForURL(/\/oauth2\/v2\.0\/authorize\?/);
    await pickAccount(page, /Megan Bowen/);
    await page.waitForURL(`${app.url}/dashboard`);

    await page.goto(app.url);
    await expect(page.getByRole("link", { name: "Go to your workspace" })).toHaveAttribute("href", "/dashboard");
    await expect(page.getByRole("link", { name: "Sign in with Microsoft" })).toHaveCount(0);
    await expectAccessibleAndContained(page, "/ signed in");
  });
});
