// `npm run dev` exactly as a person who just cloned the template runs it: nothing configured, so
// the embedded database (a fresh folder here) and the local Entra ID emulator.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { waitUntilServing, type StandaloneServer } from "./standalone-server";

export async function startDevServer(port: number): Promise<StandaloneServer> {
  const dir = path.join(".data", `e2e-${port}`);
  rmSync(dir, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  for (const name of Object.keys(env)) {
    if (/^(AUTH_|DATABASE_|ENTRA_|MICROSOFT_|NODE_EXTRA_CA_CERTS$|NODE_ENV$|WEBSITE_|VERCEL)/.test(name))
      delete env[name];
  }
  const child = spawn("npm", ["run", "dev"], {
    env: {
      ...env,
      PORT: String(port),
      EMBEDDED_DB_DIR: path.join(dir, "pglite"),
      ENTRA_EMULATOR_DIR: path.join(dir, "entra-emulator"),
      EMULATOR_PORT: String(port + 10),
      EMULATOR_TLS_PORT: String(port + 11),
    },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: npm, the launcher with its emulator, and `next dev` stop together.
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const server: StandaloneServer = {
    url: `http://localhost:${port}`,
    process: child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        const group = (signal: NodeJS.Signals) => {
          try {
            process.kill(-child.pid!, signal);
          } catch {
            // already gone
          }
        };
        if (child.exitCode !== null || child.signalCode !== null) {
          group("SIGKILL");
          return resolve();
        }
        const timer = setTimeout(() => group("SIGKILL"), 10_000);
        child.once("exit", () => {
          clearTimeout(timer);
          group("SIGKILL"); // stragglers of the group
          resolve();
        });
        group("SIGTERM");
      }),
  };
  try {
    await waitUntilServing(server, 120_000);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}
