import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { appPort, appUrl } from "./e2e/support/app";

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
    // The app as a visitor gets it with no configuration: the embedded database, created and
    // migrated on this first start (a fresh folder each run), and the local Entra ID emulator
    // started by the same launcher `npm run dev` uses.
    command: `rm -rf .data/e2e && tsx scripts/with-emulator.ts next start`,
    url: `${baseURL}/api/health`,
    env: {
      PORT: String(appPort),
      AUTH_URL: baseURL,
      EMBEDDED_DB_DIR: ".data/e2e/pglite",
      ENTRA_EMULATOR_DIR: ".data/e2e/entra-emulator",
      EMULATOR_PORT: String(appPort + 10),
      EMULATOR_TLS_PORT: String(appPort + 11),
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: "",
      AUTH_SECRET: "",
      AUTH_MICROSOFT_ENTRA_ID_ID: "",
      AUTH_MICROSOFT_ENTRA_ID_SECRET: "",
      AUTH_MICROSOFT_ENTRA_ID_ISSUER: "",
    },
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
  },
});
