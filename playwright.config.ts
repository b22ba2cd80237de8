import { defineConfig, devices } from "@playwright/test";
import { appUrl } from "./e2e/support/app";
import { findChromium } from "./scripts/chromium";

// Browser tests run against a production build (`npm run test:e2e` builds first).
// Browsers: CHROMIUM_PATH, else Debian's Chromium (CI installs it: .ci/run), else the browser
// `npx playwright install chromium` downloads (scripts/chromium.ts; `npm test` checks first).
const chromium = findChromium();
const executablePath = chromium.found ? chromium.path : undefined;

const baseURL = appUrl;

export default defineConfig({
  testDir: "e2e",
  // Bounds that catch a hang, far from what a busy 2-core machine needs: a test's verdict is
  // what the app did, never how fast (../shared/ENGINEERING.md; speed is `npm run bench`'s).
  timeout: 120_000,
  expect: { timeout: 20_000 },
  // Two spec files at a time, each with servers, databases and ports of its own: much of a browser
  // test is waiting (for pages, the emulator, a timeout), so two keep a 2-core machine busy.
  // PLAYWRIGHT_WORKERS=1 runs one at a time.
  workers: Number(process.env.PLAYWRIGHT_WORKERS || 2),
  // A retry would hide a test that fails now and then: each failure is a defect to fix.
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"], ["./e2e/support/slowest-specs.ts"]],
  use: { baseURL, trace: { mode: "retain-on-failure", screenshots: false, snapshots: true, sources: true } },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath,
          // Root in CI, and a closed network that refuses Chromium's background connections.
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
          ],
        },
      },
    },
  ],
  webServer: {
    // The app as deployed (e2e/support/app-server.ts): the standalone build's `node server.js` in
    // production mode, a migrated PostgreSQL database (TEST_DATABASE_URL's server, else PGlite on
    // a local port) and the local Entra ID emulator on its own, named by the production variables.
    command: "tsx e2e/support/serve.ts",
    url: `${baseURL}/api/health`,
    env: { NEXT_TELEMETRY_DISABLED: "1" },
    reuseExistingServer: false,
    timeout: 120_000,
    // Its database, emulator and server stop with it.
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
    stdout: "pipe",
    stderr: "pipe",
  },
});
