// Starts `next start` (the production build) as a separate server with its own environment,
// for specs that need a server configured differently from the main one.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export type NextServer = {
  url: string;
  process: ChildProcess;
  /** Everything the server printed so far. */
  output(): string;
  stop(): Promise<void>;
};

/** A valid Auth.js and Entra configuration for servers whose tests never sign in. */
const placeholderAuth = {
  AUTH_SECRET: "e2e-placeholder-secret-0123456789abcdef",
  AUTH_MICROSOFT_ENTRA_ID_ID: "00000000-0000-0000-0000-000000000001",
  AUTH_MICROSOFT_ENTRA_ID_SECRET: "placeholder",
  AUTH_MICROSOFT_ENTRA_ID_ISSUER: "https://login.microsoftonline.com/common/v2.0",
};

const nextBin = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");

const tsxCli = path.join(process.cwd(), "node_modules", "tsx", "dist", "cli.mjs");

/**
 * `next start` on `port`; with `withEmulator`, through scripts/with-emulator.ts (as `npm run dev`
 * runs the app), which starts the local Entra ID emulator and hands the app its settings.
 */
export function spawnNextServer(
  port: number,
  env: Record<string, string>,
  options: { withEmulator?: boolean } = {},
): NextServer {
  const next = [nextBin, "start", "-p", String(port)];
  const args = options.withEmulator
    ? [tsxCli, "scripts/with-emulator.ts", process.execPath, ...next]
    : [...next, "-H", "127.0.0.1"];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...placeholderAuth, DATABASE_URL: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: stopping it stops the launcher, the emulator and `next start` together.
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return {
    url: options.withEmulator ? `http://localhost:${port}` : `http://127.0.0.1:${port}`,
    process: child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const group = (signal: NodeJS.Signals) => {
          try {
            process.kill(-child.pid!, signal);
          } catch {
            // already gone
          }
        };
        // A graceful stop first; whatever still runs after 10 s is killed.
        const timer = setTimeout(() => group("SIGKILL"), 10_000);
        child.once("exit", () => {
          clearTimeout(timer);
          group("SIGKILL"); // stragglers of the group (a server the launcher started)
          resolve();
        });
        group("SIGTERM");
      }),
  };
}

/** Waits until the server answers on /api/health (any status), or fails with its output. */
export async function waitUntilServing(server: NextServer, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.process.exitCode !== null) {
      throw new Error(`the server exited (${server.process.exitCode}):\n${server.output()}`);
    }
    try {
      await fetch(`${server.url}/api/health`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`the server did not answer within ${timeoutMs} ms:\n${server.output()}`);
}

/** Waits for the server process to end; returns its exit code. */
export function waitForExit(server: NextServer, timeoutMs = 60_000): Promise<number | null> {
  if (server.process.exitCode !== null) return Promise.resolve(server.process.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`still running after ${timeoutMs} ms:\n${server.output()}`)),
      timeoutMs,
    );
    server.process.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}
