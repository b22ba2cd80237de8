// The control API of the emulator that scripts/with-emulator.ts started for a spec's server.
// That emulator's CA is made when the server starts, after this test process did: trust it per
// request rather than through NODE_EXTRA_CA_CERTS.
import { readFileSync } from "node:fs";
import https from "node:https";
import path from "node:path";

export function emulatorControl(appPort: number) {
  const ca = () => readFileSync(path.join(".data", `e2e-${appPort}`, "entra-emulator", "ca.pem"));
  return (route: string, body?: unknown): Promise<{ status: number; json: unknown }> =>
    new Promise((resolve, reject) => {
      const request = https.request(
        {
          host: "127.0.0.1",
          port: appPort + 11,
          path: `/_emulator/${route}`,
          method: body === undefined ? "GET" : "POST",
          ca: ca(),
          headers: { "x-emulator-control": "1", "content-type": "application/json" },
        },
        (response) => {
          let text = "";
          response.on("data", (chunk: Buffer) => (text += chunk));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, json: text ? JSON.parse(text) : null }));
        },
      );
      request.on("error", reject);
      request.end(body === undefined ? undefined : JSON.stringify(body));
    });
}
