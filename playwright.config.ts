import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";

// Browser tests run against a production build (`npm run test:e2e` builds first).
// Browsers: Debian's Chromium where it is installed (CI installs it: .ci/run), else
// CHROMIUM_PATH, else the browser `npx playwright install chromium` downloads.
const executablePath = process.env.CHROMIUM_PATH || (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export const appPort = Number(process.env.E2E_PORT || 3100);
const baseURL = `http://127.0.0.1:${appPort}`;

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
    // The app as a visitor gets it with no configuration: the embedded database, created and
    // migrated on this first start (a fresh folder each run).
    command: `rm -rf .data/e2e && next start -p ${appPort} -H 127.0.0.1`,
    url: `${baseURL}/api/health`,
    env: { EMBEDDED_DB_DIR: ".data/e2e/pglite", NEXT_TELEMETRY_DISABLED: "1", DATABASE_URL: "" },
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
  },
});
