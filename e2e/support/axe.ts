// axe-core on the page as it is now: no violation, each listed by rule and element when any.
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

export async function expectNoAxeViolations(page: Page, what: string) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(
    violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target).join(", ")}`),
    what,
  ).toEqual([]);
}

/** What every page owes a person: one h1, nothing wider than the screen, and no axe violation. */
export async function expectAccessibleAndContained(page: Page, what: string) {
  await expect(page.locator("h1"), what).toHaveCount(1);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, `${what}: horizontal overflow`).toBeLessThanOrEqual(0);
  await expectNoAxeViolations(page, what);
}
