import { expect, test } from "@playwright/test";

// ../shared/SECURITY.md, ASVS V3.4: security headers on every page.
for (const path of ["/", "/trial/expired", "/signin/error?error=x", "/account/pending", "/no-such-page"]) {
  test(`security headers on ${path}`, async ({ page }) => {
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    const response = await page.goto(path);
    const headers = response!.headers();
    const csp = headers["content-security-policy"] ?? "";
    const scriptSrc = csp.split(";").find((directive) => directive.trim().startsWith("script-src")) ?? "";
    expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]+'/);
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(headers["x-frame-options"]).toBe("DENY");

    // Next's own scripts carry this response's nonce, so the page runs, with no violation.
    const nonce = scriptSrc.match(/'nonce-([^']+)'/)![1];
    const scripts = await page
      .locator("script")
      .evaluateAll((elements) => elements.map((element) => (element as HTMLScriptElement).nonce));
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.every((value) => value === nonce)).toBe(true);
    expect(violations).toEqual([]);
  });
}

test("API answers are not sniffed nor framed either", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.headers()["x-content-type-options"]).toBe("nosniff");
  expect(response.headers()["x-frame-options"]).toBe("DENY");
});

test("each response has its own nonce", async ({ request }) => {
  const nonces = await Promise.all(
    [1, 2].map(async () => (await request.get("/")).headers()["content-security-policy"]!.match(/'nonce-([^']+)'/)![1]),
  );
  expect(nonces[0]).not.toBe(nonces[1]);
});
