// Which Chromium the browser tests drive, found before anything else runs (scripts/test.ts) and
// named to Playwright (playwright.config.ts), in this order:
//   1. CHROMIUM_PATH, when set (it must name a file);
//   2. Debian's headless shell, /usr/bin/chromium-headless-shell (apt-get install
//      chromium-headless-shell; what CI installs: .ci/run): Chromium without its browser window,
//      the build Playwright itself runs headless tests in. The whole browser suite costs less
//      than half the CPU it costs in the full browser's headless mode;
//   3. Debian's whole browser, /usr/bin/chromium (apt-get install chromium);
//   4. Playwright's own, when `npx playwright install chromium` has downloaded it.
import { existsSync, readFileSync } from "node:fs";
import { chromium } from "@playwright/test";

export type FoundChromium =
  /** `path`: give Playwright this executable; undefined: Playwright's own browser. */
  { found: true; path: string | undefined; source: string } | { found: false; problem: string };

export const DEBIAN_HEADLESS_SHELL = "/usr/bin/chromium-headless-shell";
export const DEBIAN_CHROMIUM = "/usr/bin/chromium";

export function findChromium(
  env: Record<string, string | undefined> = process.env,
  exists: (path: string) => boolean = existsSync,
  playwrightChromium: () => string = () => chromium.executablePath(),
): FoundChromium {
  const named = env.CHROMIUM_PATH?.trim();
  if (named) {
    return exists(named)
      ? { found: true, path: named, source: "CHROMIUM_PATH" }
      : { found: false, problem: `CHROMIUM_PATH names ${named}, which does not exist` };
  }
  if (exists(DEBIAN_HEADLESS_SHELL)) {
    return { found: true, path: DEBIAN_HEADLESS_SHELL, source: "Debian's chromium-headless-shell" };
  }
  if (exists(DEBIAN_CHROMIUM)) return { found: true, path: DEBIAN_CHROMIUM, source: "Debian's chromium" };
  if (exists(playwrightChromium())) return { found: true, path: undefined, source: "Playwright's Chromium" };
  return {
    found: false,
    problem: `no Chromium found (CHROMIUM_PATH, ${DEBIAN_HEADLESS_SHELL}, ${DEBIAN_CHROMIUM}, Playwright's own)`,
  };
}

/**
 * The one command that gets this machine a Chromium for the browser tests: Debian's package on
 * Debian (Ubuntu's `chromium` is a snap Playwright cannot drive), Playwright's download elsewhere.
 */
export function chromiumInstallCommand(
  osRelease: () => string = () => readFileSync("/etc/os-release", "utf8"),
): string {
  let os = "";
  try {
    os = osRelease();
  } catch {
    // not Linux, or not a distribution that says
  }
  return /^ID=debian$/m.test(os)
    ? "sudo apt-get install -y chromium-headless-shell"
    : "npx playwright install chromium";
}
