// The control API of the emulator started for a spec's server (emulator-process.ts). Its CA is
// made when it starts, after this test process did: trust it per request rather than through
// NODE_EXTRA_CA_CERTS.
import { readFileSync } from "node:fs";
import https from "node:https";
import path from "node:path";

/** Where the emulator of the app on `appPort` keeps its CA and keys. */
export function emulatorDir(appPort: number): string {
  return path.join(".data", `e2e-${appPort}`, "entra-emulator");
}

export function emulatorControl(appPort: number) {
  const ca = () => readFileSync(path.join(emulatorDir(appPort), "ca.pem"));
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
