// npm run bench: what the tenant gate costs, measured in one run on the real PostgreSQL server.
// Builds the app, starts it (the standalone server, as deployed) on a fresh database, and loads, one after the other:
//   ungated  GET /api/health   (one query: SELECT 1)
//   gated    GET /api/tenant   (one indexed query: session -> user -> tenant, then the answer)
// with 1 000 tenants in the table, then with 1 000 000; then marketplace webhook deliveries
// end to end through the local marketplace (bench/webhook.ts). Writes bench/results.json; the README
// shows the latest figures. Ratios, not absolute numbers: they travel between machines.
//   BENCH_DATABASE_URL   server to create the bench database on
//                        (default postgresql://postgres@127.0.0.1:5432/postgres)
//   BENCH_SECONDS        seconds per measurement (default 10)
import { spawn, spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { hashSessionToken } from "../lib/auth/session";
import { migrateDatabase } from "../lib/db/connection";
import { consoleQueryTimes, consoleTargets } from "./console";
import { measureWebhook } from "./webhook";

const serverUrl = process.env.BENCH_DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres";
const seconds = Number(process.env.BENCH_SECONDS || 10);
const port = 3300;
/** The publisher tenant of the bench's operator console. */
const OPERATOR_TENANT = "7d4b2e8f-5a6c-4f1d-ab9e-4a5f6e7d8c93";
const base = `http://localhost:${port}`;

async function sql(url: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

/** Tenants up to `total`, inserted by the server itself (generate_series), in batches. */
async function growTenants(url: string, total: number) {
  const { rows } = await sql(url, "SELECT count(*)::int AS n FROM tenant");
  for (let have = rows[0].n as number; have < total; have += 200_000) {
    const batch = Math.min(200_000, total - have);
    await sql(
      url,
      // A mix as the operator console sees it: a domain each, one in five paying, a sign-up a
      // minute for the last two years (the console's lists sort and page by them).
      `INSERT INTO tenant (id, display_name, primary_domain, status, consent_type, trial_starts_at, trial_ends_at,
                           created_at, updated_at)
       SELECT gen_random_uuid(), 'Tenant ' || (i + $2), 'org' || (i + $2) || '.example',
              CASE WHEN (i + $2) % 5 = 0 THEN 'ACTIVE'::"TenantStatus" ELSE 'TRIAL'::"TenantStatus" END, 'USER',
              now(), CASE WHEN (i + $2) % 5 = 0 THEN NULL ELSE now() + ((i + $2) % 60 - 20) * interval '1 day' END,
              now() - (i + $2) * interval '1 minute', now()
         FROM generate_series(1, $1) AS i`,
      [batch, have],
    );
  }
  await sql(url, "ANALYZE tenant");
}

type Figures = { requestsPerSecond: number; p50Ms: number; p99Ms: number; errors: number; non2xx: number };

async function load(url: string, headers: Record<string, string> = {}): Promise<Figures> {
  await autocannon({ url, connections: 10, duration: 2, headers }); // warm-up
  const result = await autocannon({ url, connections: 20, duration: seconds, headers });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

/** Peak resident memory (VmHWM) of the server process and its children, in MB. */
function peakRssMb(pid: number): number {
  const pids = [
    pid,
    ...spawnSync("pgrep", ["-P", String(pid)], { encoding: "utf8" })
      .stdout.split("\n")
      .filter(Boolean)
      .map(Number),
  ];
  let peak = 0;
  for (const id of pids) {
    try {
      const kb = Number(readFileSync(`/proc/${id}/status`, "utf8").match(/VmHWM:\s+(\d+)/)?.[1] ?? 0);
      peak = Math.max(peak, kb / 1024);
    } catch {
      // gone
    }
  }
  return Math.round(peak);
}

async function main() {
  console.info("--- npm run build");
  if (
    spawnSync("npm", ["run", "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } })
      .status !== 0
  ) {
    throw new Error("npm run build failed");
  }

  const name = `appsource_bench_${randomBytes(4).toString("hex")}`;
  await sql(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const standaloneServer = path.join(".next", "standalone", "server.js");
  let server: ReturnType<typeof spawn> | undefined;
  try {
    await migrateDatabase(databaseUrl);
    // One signed-in person, as a session row (the cookie's token, hashed).
    const tid = randomUUID();
    const token = randomBytes(32).toString("base64url");
    await sql(
      databaseUrl,
      `INSERT INTO tenant (id, display_name, status, consent_type, trial_starts_at, trial_ends_at, updated_at) VALUES ($1, 'Bench', 'TRIAL', 'USER', now(), now() + interval '30 days', now())`,
      [tid],
    );
    const { rows } = await sql(
      databaseUrl,
      `INSERT INTO "user" (id, tenant_id, oid, display_name, role, updated_at) VALUES (gen_random_uuid(), $1, gen_random_uuid(), 'Bench', 'ADMIN', now()) RETURNING id`,
      [tid],
    );
    await sql(
      databaseUrl,
      `INSERT INTO session (id, user_id, tenant_id, expires_at) VALUES ($1, $2, $3, now() + interval '1 day')`,
      [hashSessionToken(token), rows[0].id, tid],
    );
    const cookie = { cookie: `appsource.session=${token}` };
    // An operator of the console (bench/console.ts), as a session row.
    const operatorToken = randomBytes(32).toString("base64url");
    await sql(
      databaseUrl,
      `INSERT INTO operator_session (id, tenant_id, oid, name, role, expires_at)
       VALUES ($1, $2, gen_random_uuid(), 'Bench operator', 'OPERATOR', now() + interval '1 day')`,
      [hashSessionToken(operatorToken), OPERATOR_TENANT],
    );
    const operatorCookie = { cookie: `appsource.operator=${operatorToken}` };

    server = spawn(process.execPath, [standaloneServer], {
      env: {
        ...process.env,
        NEXT_TELEMETRY_DISABLED: "1",
        NODE_ENV: "production",
        PORT: String(port),
        HOSTNAME: "::", // both loopback addresses: localhost may resolve to either
        DATABASE_URL: databaseUrl,
        DATABASE_POOL_MAX: "10",
        AUTH_URL: base,
        AUTH_SECRET: randomBytes(32).toString("base64url"),
        AUTH_MICROSOFT_ENTRA_ID_ID: "00000000-0000-0000-0000-000000000001",
        AUTH_MICROSOFT_ENTRA_ID_SECRET: "bench",
        AUTH_MICROSOFT_ENTRA_ID_ISSUER: "https://login.microsoftonline.com/common/v2.0",
        OPERATOR_TENANT_ID: OPERATOR_TENANT,
        JOB_WORKER: "off",
      },
      stdio: "ignore",
    });
    for (let tries = 0; ; tries++) {
      const ok = await fetch(`${base}/api/health`)
        .then((response) => response.ok)
        .catch(() => false);
      if (ok) break;
      if (tries > 120) throw new Error("the server did not start");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const gated = await fetch(`${base}/api/tenant`, { headers: cookie });
    if (gated.status !== 200) throw new Error(`the gated request answered ${gated.status}`);

    const runs: Record<
      string,
      {
        tenants: number;
        ungated: Figures;
        gated: Figures;
        console: Record<string, Figures>;
        consoleQueries: { gateMs: number; queriesMs: Record<string, number> };
      }
    > = {};
    for (const [label, tenants] of [
      ["1k", 1_000],
      ["1M", 1_000_000],
    ] as const) {
      console.info(`--- ${tenants} tenants`);
      await growTenants(databaseUrl, tenants);
      const consolePages: Record<string, Figures> = {};
      for (const [page, path] of Object.entries(await consoleTargets(databaseUrl, tenants))) {
        const check = await fetch(`${base}${path}`, { headers: operatorCookie, redirect: "manual" });
        if (check.status !== 200) throw new Error(`the console's ${page} answered ${check.status}`);
        consolePages[page] = await load(`${base}${path}`, operatorCookie);
      }
      runs[label] = {
        tenants,
        ungated: await load(`${base}/api/health`),
        gated: await load(`${base}/api/tenant`, cookie),
        console: consolePages,
        consoleQueries: await consoleQueryTimes(databaseUrl, tenants, token, OPERATOR_TENANT),
      };
      console.info(JSON.stringify(runs[label]));
    }
    console.info("--- marketplace webhook deliveries");
    const webhook = await measureWebhook(databaseUrl, { port: 3320, subscriptions: 200 });
    console.info(JSON.stringify(webhook));
    const results = {
      measuredAt: new Date().toISOString(),
      machine: { cpus: (await import("node:os")).cpus().length, node: process.version },
      secondsPerMeasurement: seconds,
      gatedOverUngated: round(runs["1k"]!.gated.requestsPerSecond / runs["1k"]!.ungated.requestsPerSecond),
      gatedOverUngated1M: round(runs["1M"]!.gated.requestsPerSecond / runs["1M"]!.ungated.requestsPerSecond),
      scale1MOver1k: round(runs["1M"]!.gated.requestsPerSecond / runs["1k"]!.gated.requestsPerSecond),
      peakRssMb: peakRssMb(server.pid!),
      // The console's queries against the gate's own query (median time, lower is better), with
      // 1 000 000 tenants, and their growth from 1 000 to 1 000 000.
      consoleQueryOverGateQuery: Object.fromEntries(
        Object.entries(runs["1M"]!.consoleQueries.queriesMs).map(([page, ms]) => [
          page,
          round(ms / runs["1M"]!.consoleQueries.gateMs),
        ]),
      ),
      consoleQuery1MOver1k: Object.fromEntries(
        Object.entries(runs["1M"]!.consoleQueries.queriesMs).map(([page, ms]) => [
          page,
          round(ms / runs["1k"]!.consoleQueries.queriesMs[page]!),
        ]),
      ),
      targets: {
        gatedOverUngated: ">= 0.85",
        scale1MOver1k: ">= 0.90",
        peakRssMb: "< 400",
        webhookP99Ms: "< 10000 (Microsoft's time to answer a plan or seat change)",
        consoleQueryOverGateQuery: "<= 2 (list pages)",
        consoleQuery1MOver1k: "<= 1.10",
      },
      runs,
      webhook,
    };
    writeFileSync(path.join("bench", "results.json"), `${JSON.stringify(results, null, 2)}\n`);
    console.info(
      JSON.stringify({
        gatedOverUngated: results.gatedOverUngated,
        scale1MOver1k: results.scale1MOver1k,
        peakRssMb: results.peakRssMb,
      }),
    );
  } finally {
    server?.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 500));
    await sql(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

const round = (value: number) => Math.round(value * 100) / 100;

main().catch((error: unknown) => {
  console.error(`bench failed: ${(error as Error).message}`);
  process.exit(1);
});
