// The operator console's pages in `npm run bench` (issue "Speed at scale"): the tenant list's
// first page, a deep page reached by keyset (half way down), a search by domain prefix, a status
// filter, and the overview, each measured like the gate's own request.
import pg from "pg";

async function row(url: string, text: string, values: unknown[]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows[0];
  } finally {
    await client.end();
  }
}

/** The paths to measure with `tenants` in the table. */
export async function consoleTargets(databaseUrl: string, tenants: number): Promise<Record<string, string>> {
  // The cursor the list would give after the row half way down (lib/operators/tenants.ts).
  const middle = await row(
    databaseUrl,
    `SELECT id::text AS id, created_at AS "createdAt" FROM tenant ORDER BY created_at DESC, id DESC OFFSET $1 LIMIT 1`,
    [Math.floor(tenants / 2)],
  );
  const after = Buffer.from(JSON.stringify([new Date(middle.createdAt).toISOString(), middle.id])).toString(
    "base64url",
  );
  return {
    firstPage: "/operator/tenants",
    deepPage: `/operator/tenants?after=${after}`,
    domainPrefix: `/operator/tenants?q=org${Math.floor(tenants / 3)}.`,
    statusFilter: "/operator/tenants?status=ACTIVE",
    overview: "/operator",
  };
}

/** Median milliseconds of `runs` sequential calls, after a warm-up. */
async function median(runs: number, call: () => Promise<unknown>): Promise<number> {
  for (let index = 0; index < 10; index++) await call();
  const times: number[] = [];
  for (let index = 0; index < runs; index++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]! * 100) / 100;
}

/**
 * The console's queries as the server runs them (lib/operators/, through Prisma), beside the
 * gate's own query (findSession): the database's share of each page, which is what grows with
 * the table. Sequential, one connection: latency, not throughput.
 */
export async function consoleQueryTimes(
  databaseUrl: string,
  tenants: number,
  sessionToken: string,
  operatorTenantId: string,
): Promise<{ gateMs: number; queriesMs: Record<string, number> }> {
  const { openDatabase } = await import("../lib/db/client");
  const { findSession } = await import("../lib/auth/session");
  const { decideOperatorAccess } = await import("../lib/operators/gate");
  const { listTenants } = await import("../lib/operators/tenants");
  const { overview } = await import("../lib/operators/overview");
  const { prisma, close } = await openDatabase({
    kind: "postgres",
    url: databaseUrl,
    poolMax: 1,
    connectTimeoutMs: 10_000,
  });
  try {
    const decision = decideOperatorAccess(
      {
        tenantId: operatorTenantId,
        oid: operatorTenantId,
        name: "Bench",
        email: null,
        role: "READER",
        expiresAt: new Date(Date.now() + 3_600_000),
      },
      operatorTenantId,
    );
    if (decision.kind !== "allowed") throw new Error("the bench operator is not allowed");
    const access = decision.access;
    const targets = await consoleTargets(databaseUrl, tenants);
    const after = new URL(targets.deepPage!, "http://x").searchParams.get("after")!;
    const runs = 100;
    return {
      gateMs: await median(runs, () => findSession(prisma, sessionToken)),
      queriesMs: {
        firstPage: await median(runs, () => listTenants(prisma, access, {})),
        deepPage: await median(runs, () => listTenants(prisma, access, { after })),
        domainPrefix: await median(runs, () => listTenants(prisma, access, { q: `org${Math.floor(tenants / 3)}.` })),
        statusFilter: await median(runs, () => listTenants(prisma, access, { status: "ACTIVE" })),
        overview: await median(20, () => overview(prisma, access)),
      },
    };
  } finally {
    await close();
  }
}
