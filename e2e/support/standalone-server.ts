// Starts the deployable server, `node server.js` of the standalone build (.next/standalone, made
// by `npm run build`), as Azure App Service and the Dockerfile start it: production mode, the
// port in PORT, and nothing but the environment for configuration.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { SERVER_NODE_OPTIONS } from "../../scripts/server-options.mjs";

export type StandaloneServer = {
  url: string;
  process: ChildProcess;
  /** Everything the server printed so far. */
  output(): string;
  stop(): Promise<void>;
};

export const STANDALONE_DIR = path.join(process.cwd(), ".next", "standalone");

/**
 * A complete production configuration for servers whose tests never sign in: a real-looking Entra
 * app registration and the public URL. The database is the caller's (DATABASE_URL).
 */
function placeholderSettings(url: string): Record<string, string> {
  return {
    AUTH_SECRET: "e2e-placeholder-secret-0123456789abcdef",
    AUTH_URL: url,
    AUTH_MICROSOFT_ENTRA_ID_ID: "00000000-0000-0000-0000-000000000001",
    AUTH_MICROSOFT_ENTRA_ID_SECRET: "placeholder",
    AUTH_MICROSOFT_ENTRA_ID_ISSUER: "https://login.microsoftonline.com/common/v2.0",
  };
}

/** Variables of the machine running the tests that must not reach the server unasked. */
const CLEARED = [
  "DATABASE_URL",
  "DATABASE_URL_UNPOOLED",
  "ENTRA_EMULATOR",
  "EMBEDDED_DB_DIR",
  "MICROSOFT_GRAPH_URL",
  "NODE_EXTRA_CA_CERTS",
  "VERCEL",
  "WEBSITE_SITE_NAME",
  "WEBSITE_HOSTNAME",
];

/**
 * `node server.js` in `dir` on `port`, with the Node.js options it is deployed with
 * (scripts/server-options.mjs) and `nodeArgs`; `env` adds to (or, with "", removes from) the
 * placeholders. A NODE_OPTIONS in `env` replaces the deployed options ("": Node.js's defaults).
 */
export function spawnStandaloneServer(
  port: number,
  env: Record<string, string>,
  dir: string = STANDALONE_DIR,
  nodeArgs: string[] = [],
): StandaloneServer {
  const url = `http://localhost:${port}`;
  const environment: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  for (const name of CLEARED) delete environment[name];
  Object.assign(environment, placeholderSettings(url), env, {
    NODE_OPTIONS: env.NODE_OPTIONS ?? SERVER_NODE_OPTIONS.join(" "),
    PORT: String(port),
    // Both loopback addresses: the browser may resolve localhost to either.
    HOSTNAME: "::",
  });
  for (const [name, value] of Object.entries(environment)) if (value === "") delete environment[name];
  const child = spawn(process.execPath, [...nodeArgs, path.join(dir, "server.js")], {
    cwd: dir,
    env: environment,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return {
    url,
    process: child,
    output: () => output,
    stop: () => stopProcess(child),
  };
}

/** A graceful stop first; whatever still runs after 10 s is killed. */
export function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Waits until the server answers on /api/health (any status), or fails with its output. */
export async function waitUntilServing(server: StandaloneServer, timeoutMs = 60_000): Promise<void> {
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
export function waitForExit(server: StandaloneServer, timeoutMs = 60_000): Promise<number | null> {
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
