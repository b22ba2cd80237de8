// What every part of `npm run bench` stands on: the build (or a copy of one), a throwaway
// database on the PostgreSQL server, and the standalone server started as deployed.
//   BENCH_DATABASE_URL         server to create the bench database on
//                              (default postgresql://postgres@127.0.0.1:5432/postgres)
//   BENCH_SECONDS              seconds per measurement (default 10)
//   BENCH_BUILD=skip           measure an existing build instead of running `npm run build`
//   BENCH_STANDALONE_DIR       the standalone server's folder (default .next/standalone), e.g. a
//                              copy of a build made while the working tree moves on
//   BENCH_SERVER_NODE_OPTIONS  NODE_OPTIONS of the measured servers (default: the options the app's
//                              server starts with, scripts/server-options.mjs; "none": Node.js's defaults)
//   BENCH_SERVER_LOG           a file the measured servers' output is appended to (e.g. with --trace-gc)
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import {
  spawnStandaloneServer,
  STANDALONE_DIR,
  waitUntilServing,
  type StandaloneServer,
} from "../e2e/support/standalone-server";
import { hashSessionToken } from "../lib/auth/session";
import { SERVER_NODE_OPTIONS } from "../scripts/server-options.mjs";

/** The publisher tenant of the bench's operator console (its OPERATOR_TENANT_ID). */
export const OPERATOR_TENANT = "7d4b2e8f-5a6c-4f1d-ab9e-4a5f6e7d8c93";

export const seconds = Number(process.env.BENCH_SECONDS || 10);
export const serverNodeOptions =
  process.env.BENCH_SERVER_NODE_OPTIONS === "none"
    ? ""
    : (process.env.BENCH_SERVER_NODE_OPTIONS ?? SERVER_NODE_OPTIONS.join(" "));
const adminUrl = process.env.BENCH_DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres";

export async function sql(url: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

/** The standalone server to measure: built now, or the one BENCH_STANDALONE_DIR names. */
export function standaloneDir(): string {
  const dir = path.resolve(process.env.BENCH_STANDALONE_DIR || STANDALONE_DIR);
  if (process.env.BENCH_BUILD === "skip") {
    console.info(`--- measuring the existing build in ${dir}`);
  } else {
    console.info("--- npm run build");
    const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
    if (spawnSync("npm", ["run", "build"], { stdio: "inherit", env }).status !== 0) {
      throw new Error("npm run build failed");
    }
  }
  if (!existsSync(path.join(dir, "server.js"))) throw new Error(`${dir} holds no standalone server (server.js)`);
  return dir;
}

export type BenchDatabase = { url: string; version: string; drop(): Promise<void> };

/** A fresh database named appsource_bench_*, dropped (WITH (FORCE)) by drop(). */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `appsource_bench_${randomBytes(4).toString("hex")}`;
  const { rows } = await sql(adminUrl, "SELECT current_setting('server_version') AS version");
  await sql(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    version: `PostgreSQL ${rows[0].version}`,
    drop: async () => void (await sql(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}

/** Tenants up to `total`, inserted by the server itself (generate_series), in batches. */
export async function growTenants(url: string, total: number) {
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

/** One signed-in person of a trial tenant, as a session row: the cookie's token, hashed. */
export async function seedSession(url: string, tenantId: string): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await sql(
    url,
    `INSERT INTO tenant (id, display_name, status, consent_type, trial_starts_at, trial_ends_at, updated_at)
     VALUES ($1, 'Bench', 'TRIAL', 'USER', now(), now() + interval '30 days', now())`,
    [tenantId],
  );
  const { rows } = await sql(
    url,
    `INSERT INTO "user" (id, tenant_id, oid, display_name, role, updated_at)
     VALUES (gen_random_uuid(), $1, gen_random_uuid(), 'Bench', 'ADMIN', now()) RETURNING id`,
    [tenantId],
  );
  await sql(
    url,
    `INSERT INTO session (id, user_id, tenant_id, expires_at) VALUES ($1, $2, $3, now() + interval '1 day')`,
    [hashSessionToken(token), rows[0].id, tenantId],
  );
  return token;
}

/** An operator of the console (bench/console.ts) of `operatorTenantId`, as a session row. */
export async function seedOperatorSession(url: string, operatorTenantId: string): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await sql(
    url,
    `INSERT INTO operator_session (id, tenant_id, oid, name, role, expires_at)
     VALUES ($1, $2, gen_random_uuid(), 'Bench operator', 'OPERATOR', now() + interval '1 day')`,
    [hashSessionToken(token), operatorTenantId],
  );
  return token;
}

/**
 * `node server.js` of `dir` on `port`, as deployed (production, configured by its environment
 * alone), once it answers. Its job worker is off: the bench measures requests, not background jobs.
 */
export async function startBenchServer(
  dir: string,
  port: number,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<StandaloneServer> {
  const server = spawnStandaloneServer(
    port,
    {
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      DATABASE_POOL_MAX: "10",
      JOB_WORKER: "off",
      NODE_OPTIONS: serverNodeOptions,
      ...env,
    },
    dir,
    nodeArgs,
  );
  if (process.env.BENCH_SERVER_LOG) {
    const log = createWriteStream(process.env.BENCH_SERVER_LOG, { flags: "a" });
    server.process.stdout?.pipe(log);
    server.process.stderr?.pipe(log);
  }
  try {
    await waitUntilServing(server);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}
