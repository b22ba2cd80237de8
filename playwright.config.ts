import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { appUrl } from "./e2e/support/app";

// Browser tests run against a production build (`npm run test:e2e` builds first).
// Browsers: Debian's Chromium where it is installed (CI installs it: .ci/run), else
// CHROMIUM_PATH, else the browser `npx playwright install chromium` downloads.
const executablePath = process.env.CHROMIUM_PATH || (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

const baseURL = appUrl;

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // The specs start servers and databases of their own: one at a time on a 2-core machine.
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  use: { baseURL, trace: "retain-on-failure" },
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
