// npm run bench:profile -- [path ...]: where a page's time goes. Starts the built standalone
// server (BENCH_STANDALONE_DIR, default .next/standalone) with V8's CPU profiler on a fresh bench
// database (1 000 tenants, the bench's workspace of 50 notes and 50 people, an operator), loads
// each path as `npm run bench` does, stops the server, and prints the functions and the packages
// that took the server's CPU time. The whole profile is left in bench/profiles/ (git-ignored) for
// Chrome DevTools (Performance > Load profile). Default paths: the workspace's and the console's.
import { randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { sessionCookie } from "../lib/auth/session";
import { migrateDatabase } from "../lib/db/connection";
import { load } from "./load";
import {
  createBenchDatabase,
  growTenants,
  OPERATOR_TENANT,
  seedOperatorSession,
  seedSession,
  startBenchServer,
} from "./setup";
import { fillWorkspace, workspacePages } from "./workspace";

const PORT = 3340;
const base = `http://localhost:${PORT}`;
const profiles = path.resolve("bench", "profiles");

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number };

/** Where a script's code comes from: an npm package, Next.js's own bundle, the app, or Node.js. */
function origin(url: string): string {
  if (!url) return "(native: garbage collection, I/O, microtasks)";
  if (url.startsWith("node:")) return "node";
  const inModules = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (inModules) return inModules[1]!;
  if (url.includes("/.next/server/chunks/")) return "app (server chunks)";
  if (url.includes("/.next/server/")) return "app (pages)";
  return url.replace(/^file:\/\//, "");
}

/**
 * The profile's self time by package and by function, counting only the samples taken between
 * `from` and `to` (microseconds of the monotonic clock, which the server's profile shares with
 * this process): the measured load, not the server's start or its warm-up.
 */
function summarize(file: string, from: number, to: number, top = 25) {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    at += delta;
    if (at >= from && at <= to) self.set(id, (self.get(id) ?? 0) + delta);
  });
  const total = [...self.values()].reduce((sum, value) => sum + value, 0);
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  for (const [id, micros] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === "(idle)") continue;
    const name = `${functionName || "(anonymous)"} ${origin(url)}:${lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
    packages.set(origin(url), (packages.get(origin(url)) ?? 0) + micros);
  }
  const busy = [...packages.values()].reduce((sum, value) => sum + value, 0);
  const share = (micros: number) => `${((100 * micros) / busy).toFixed(1).padStart(5)} %`;
  console.info(`busy ${(busy / 1e6).toFixed(1)} s of ${(total / 1e6).toFixed(1)} s profiled`);
  console.info("by package (self time):");
  for (const [name, micros] of [...packages].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.info(`  ${share(micros)}  ${name}`);
  }
  console.info("by function (self time):");
  for (const [name, micros] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.info(`  ${share(micros)}  ${name}`);
  }
}

const microsecondsNow = () => Number(process.hrtime.bigint() / 1000n);

async function main() {
  const dir = path.resolve(process.env.BENCH_STANDALONE_DIR || path.join(".next", "standalone"));
  const paths = process.argv.slice(2).length
    ? process.argv.slice(2)
    : [...Object.values(workspacePages), "/operator/tenants"];
  rmSync(profiles, { recursive: true, force: true });
  mkdirSync(profiles, { recursive: true });
  const database = await createBenchDatabase();
  try {
    await migrateDatabase(database.url);
    await growTenants(database.url, 1_000);
    const tenantId = randomUUID();
    const token = await seedSession(database.url, tenantId);
    await fillWorkspace(database.url, tenantId);
    const cookie = `${sessionCookie(base).name}=${token}; appsource.operator=${await seedOperatorSession(database.url, OPERATOR_TENANT)}`;
    for (const target of paths) {
      const server = await startBenchServer(
        dir,
        PORT,
        { DATABASE_URL: database.url, OPERATOR_TENANT_ID: OPERATOR_TENANT },
        ["--cpu-prof", `--cpu-prof-dir=${profiles}`],
      );
      let figures;
      let from = 0;
      let to = 0;
      try {
        // A warm-up (the first requests compile the page's code), then the load that counts.
        await load(`${base}${target}`, { cookie }, { duration: 3 });
        from = microsecondsNow();
        figures = await load(`${base}${target}`, { cookie }, { warmUp: false });
        to = microsecondsNow();
      } finally {
        await server.stop();
      }
      const file = readdirSync(profiles)
        .filter((name) => name.endsWith(".cpuprofile") && !name.startsWith("done-"))
        .map((name) => path.join(profiles, name))[0];
      console.info(`--- ${target}: ${figures.requestsPerSecond} requests/s, p50 ${figures.p50Ms} ms`);
      if (!file) throw new Error("the server wrote no profile (did it exit normally?)");
      summarize(file, from, to);
      const kept = path.join(profiles, `done-${target.replace(/[^a-z0-9]+/gi, "-")}.cpuprofile`);
      renameSync(file, kept);
    }
  } finally {
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:profile failed: ${(error as Error).message}`);
  process.exit(1);
});
