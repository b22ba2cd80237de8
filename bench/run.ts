// npm run bench: what a request costs, measured in one run on the real PostgreSQL server.
// Builds the app (bench/setup.ts: or measures an existing build), starts it (the standalone
// server, as deployed) on a fresh database, and loads it, one after the other, with the session
// cookie on every request:
//   floor    GET /api/live     (a constant answer: what any request costs the framework)
//   ungated  GET /api/health   (one query: SELECT 1)
//   gated    GET /api/tenant   (one indexed query: session -> user -> tenant, then the answer)
// and the operator console's pages (bench/console.ts), with 1 000 tenants in the table, then with
// 1 000 000. Then, on a fresh server with the local Entra ID emulator, complete sign-ins of new
// tenants and of returning people, and the server's memory over rounds of that load
// (bench/sign-ins.ts); then marketplace webhook deliveries end to end through the local
// marketplace (bench/webhook.ts). Writes bench/results.json; the README shows the latest figures.
// Ratios, not absolute numbers: they travel between machines. Settings: bench/setup.ts.
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { StandaloneServer } from "../e2e/support/standalone-server";
import { sessionCookie } from "../lib/auth/session";
import { migrateDatabase } from "../lib/db/connection";
import { consoleQueryTimes, consoleTargets } from "./console";
import { load, requestCost, type Figures } from "./load";
import { describeMachine } from "./machine";
import { peakRssMb } from "./proc";
import {
  createBenchDatabase,
  growTenants,
  OPERATOR_TENANT,
  seconds,
  seedOperatorSession,
  seedSession,
  serverNodeOptions,
  standaloneDir,
  startBenchServer,
} from "./setup";
import { measureSignIns, type SignInFigures } from "./sign-ins";
import { measureWebhook } from "./webhook";
import { fillWorkspace, workspacePages } from "./workspace";

/** The bench's ports: 3300 (+10, +11 for its emulator) and 3320 (+10, +11) for the webhook's. */
const PORT = 3300;
const WEBHOOK_PORT = 3320;
const base = `http://localhost:${PORT}`;

type Run = {
  tenants: number;
  floor: Figures;
  ungated: Figures;
  gated: Figures;
  gatedOverFloor: number;
  healthOverFloor: number;
  console: Record<string, Figures>;
  workspace: Record<string, Figures>;
  consoleQueries: { gateMs: number; queriesMs: Record<string, number> };
};

/** The request figures and the console's, with 1 000 and then 1 000 000 tenants in the table. */
async function measureRequests(databaseUrl: string, dir: string) {
  const tenantId = randomUUID();
  const token = await seedSession(databaseUrl, tenantId);
  await fillWorkspace(databaseUrl, tenantId);
  const cookie = { cookie: `${sessionCookie(base).name}=${token}` };
  const operatorCookie = { cookie: `appsource.operator=${await seedOperatorSession(databaseUrl, OPERATOR_TENANT)}` };
  let server: StandaloneServer | undefined;
  try {
    server = await startBenchServer(dir, PORT, { DATABASE_URL: databaseUrl, OPERATOR_TENANT_ID: OPERATOR_TENANT });
    const gated = await fetch(`${base}/api/tenant`, { headers: cookie });
    if (gated.status !== 200) throw new Error(`the gated request answered ${gated.status}`);

    const runs: Record<"1k" | "1M", Run> = {} as Record<"1k" | "1M", Run>;
    for (const [label, tenants] of [
      ["1k", 1_000],
      ["1M", 1_000_000],
    ] as const) {
      console.info(`--- ${tenants} tenants`);
      await growTenants(databaseUrl, tenants);
      const consolePages: Record<string, Figures> = {};
      for (const [page, target] of Object.entries(await consoleTargets(databaseUrl, tenants))) {
        const check = await fetch(`${base}${target}`, { headers: operatorCookie, redirect: "manual" });
        if (check.status !== 200) throw new Error(`the console's ${page} answered ${check.status}`);
        consolePages[page] = await load(`${base}${target}`, operatorCookie);
      }
      const workspace: Record<string, Figures> = {};
      for (const [page, target] of Object.entries(workspacePages)) {
        const check = await fetch(`${base}${target}`, { headers: cookie, redirect: "manual" });
        if (check.status !== 200) throw new Error(`the workspace's ${page} answered ${check.status}`);
        workspace[page] = await load(`${base}${target}`, cookie);
      }
      const cost = await requestCost(base, cookie);
      runs[label] = {
        tenants,
        floor: cost.floor,
        ungated: cost.health,
        gated: cost.gated,
        gatedOverFloor: cost.gatedOverFloor,
        healthOverFloor: cost.healthOverFloor,
        console: consolePages,
        workspace,
        consoleQueries: await consoleQueryTimes(databaseUrl, tenants, token, OPERATOR_TENANT),
      };
      console.info(JSON.stringify(runs[label]));
    }
    return { runs, peakRssMb: peakRssMb(server.process.pid!) };
  } finally {
    await server?.stop();
  }
}

async function main() {
  const dir = standaloneDir();
  const database = await createBenchDatabase();
  try {
    await migrateDatabase(database.url);
    const { runs, peakRssMb } = await measureRequests(database.url, dir);
    console.info("--- sign-ins through the local Entra ID emulator");
    const signIns = await measureSignIns(database.url, { dir, port: PORT });
    console.info("--- marketplace webhook deliveries");
    const webhook = await measureWebhook(database.url, { port: WEBHOOK_PORT, subscriptions: 200, dir });
    console.info(JSON.stringify(webhook));

    const [k, m] = [runs["1k"], runs["1M"]];
    const results = {
      measuredAt: new Date().toISOString(),
      machine: describeMachine(database.version),
      secondsPerMeasurement: seconds,
      serverNodeOptions: serverNodeOptions || "(Node.js defaults)",
      gatedOverFloor: k.gatedOverFloor,
      gatedOverFloor1M: m.gatedOverFloor,
      healthOverFloor: k.healthOverFloor,
      healthOverFloor1M: m.healthOverFloor,
      gatedOverUngated: round(k.gated.requestsPerSecond / k.ungated.requestsPerSecond),
      gatedOverUngated1M: round(m.gated.requestsPerSecond / m.ungated.requestsPerSecond),
      scale1MOver1k: round(m.gated.requestsPerSecond / k.gated.requestsPerSecond),
      peakRssMb,
      // Sign-ins: the round with the median rate (all rounds are in signIns.rounds), and the
      // sign-in server's memory: its peak over all rounds, and its growth from the first round to the last.
      firstSignIns: medianRound(signIns.rounds.map((round) => round.first)),
      returningSignIns: medianRound(signIns.rounds.map((round) => round.returning)),
      signInPeakRssMb: signIns.peakRssMb,
      signInRssGrowthMb: signIns.rssGrowthMb,
      signInRssSlopeMbPerRound: signIns.rssSlopeMbPerRound,
      // The console's queries against the gate's own query (median time, lower is better), with
      // 1 000 000 tenants, and their growth from 1 000 to 1 000 000.
      // What a page costs: each page's requests per second over the floor's (GET /api/live) in
      // the same run, with 1 000 tenants (the workspace's) and 1 000 000 (the console's).
      ...pageRatios(k, Object.keys(workspacePages)),
      ...pageRatios(m, ["firstPage", "deepPage", "domainPrefix", "statusFilter", "overview"], "console"),
      consoleQueryOverGateQuery: Object.fromEntries(
        Object.entries(m.consoleQueries.queriesMs).map(([page, ms]) => [page, round(ms / m.consoleQueries.gateMs)]),
      ),
      consoleQuery1MOver1k: Object.fromEntries(
        Object.entries(m.consoleQueries.queriesMs).map(([page, ms]) => [
          page,
          round(ms / k.consoleQueries.queriesMs[page]!),
        ]),
      ),
      targets: {
        gatedOverFloor: ">= 0.80",
        gatedOverUngated: ">= 0.85",
        scale1MOver1k: ">= 0.90",
        peakRssMb: "< 400",
        signInPeakRssMb: "< 300",
        signInRssGrowthMb: "none: no growth from round to round",
        signInRssSlopeMbPerRound: "~0 (within noise) over the last 4 rounds",
        workspacePageOverFloor: ">= 0.25 (overview, notes, team, plan)",
        consolePageOverFloor: ">= 0.15 (list pages)",
        webhookP99Ms: "< 10000 (Microsoft's time to answer a plan or seat change)",
        consoleQueryOverGateQuery: "<= 2 (list pages)",
        consoleQuery1MOver1k: "<= 1.10",
      },
      runs,
      signIns,
      webhook,
    };
    writeFileSync(path.join("bench", "results.json"), `${JSON.stringify(results, null, 2)}\n`);
    console.info(
      JSON.stringify({
        gatedOverFloor: results.gatedOverFloor,
        gatedOverUngated: results.gatedOverUngated,
        scale1MOver1k: results.scale1MOver1k,
        firstSignInsPerSecond: results.firstSignIns.perSecond,
        returningSignInsPerSecond: results.returningSignIns.perSecond,
        signInPeakRssMb: results.signInPeakRssMb,
        signInRssGrowthMb: results.signInRssGrowthMb,
        signInRssSlopeMbPerRound: results.signInRssSlopeMbPerRound,
        pages: Object.fromEntries(Object.entries(results).filter(([key]) => key.endsWith("OverFloor"))),
        peakRssMb: results.peakRssMb,
      }),
    );
  } finally {
    await database.drop();
  }
}

const round = (value: number) => Math.round(value * 100) / 100;

/** `<page>OverFloor` (console pages: `console<Page>OverFloor`) for the pages of one run. */
function pageRatios(run: Run, pages: string[], group?: "console") {
  const figures = group ? run.console : run.workspace;
  return Object.fromEntries(
    pages.map((page) => [
      `${group ? `console${page[0]!.toUpperCase()}${page.slice(1)}` : page}OverFloor`,
      round(figures[page]!.requestsPerSecond / run.floor.requestsPerSecond),
    ]),
  );
}

/** The figures of the round whose rate is the median: one round disturbed by the machine moves nothing. */
function medianRound(rounds: SignInFigures[]): SignInFigures {
  return [...rounds].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(rounds.length / 2)]!;
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${(error as Error).message}`);
  process.exit(1);
});
