// The main server of the browser tests (playwright.config.ts webServer): one deployment, as
// app-server.ts makes them, kept until Playwright stops this process.
import { appPort } from "./app";
import { startAppServer } from "./app-server";

const app = await startAppServer(appPort);
console.info(`${app.url} is serving (database: ${app.databaseName})`);
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void app.stop().finally(() => process.exit(0));
  });
}
