// The webhook's share of `npm run bench`: marketplace notifications handled per second, end to
// end: the local marketplace signs each call's token and POSTs it; the app checks its authenticity
// (signature with the emulated Entra ID's published keys, claims), confirms the operation with
// Get Operation against the local marketplace, and writes the change with its audit events. The
// same deliveries again measure the repeat path (a no-op answered 200). The standalone server runs
// as deployed, with the emulator in a process of its own.
import pg from "pg";
import { emulatorControl } from "../e2e/support/emulator-control";
import { startEmulatorProcess } from "../e2e/support/emulator-process";
import { PERSONAL_ACCOUNTS_TENANT } from "../emulator/directory";
import { startBenchServer } from "./setup";

export type WebhookFigures = { deliveries: number; perSecond: number; p50Ms: number; p99Ms: number; failed: number };

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

/** Runs `work` for each item, `concurrency` at a time; the figures of its durations. */
async function timed<T>(items: T[], concurrency: number, work: (item: T) => Promise<boolean>): Promise<WebhookFigures> {
  const durations: number[] = [];
  let failed = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        const begin = performance.now();
        if (!(await work(item))) failed++;
        durations.push(performance.now() - begin);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  durations.sort((a, b) => a - b);
  return {
    deliveries: items.length,
    perSecond: Math.round(items.length / seconds),
    p50Ms: Math.round(percentile(durations, 0.5)),
    p99Ms: Math.round(percentile(durations, 0.99)),
    failed,
  };
}

export async function measureWebhook(
  databaseUrl: string,
  options: { port: number; subscriptions: number; dir: string },
): Promise<{ first: WebhookFigures; repeat: WebhookFigures }> {
  const base = `http://localhost:${options.port}`;
  const emulator = await startEmulatorProcess(options.port, base);
  const server = await startBenchServer(options.dir, options.port, {
    ...emulator.settings,
    DATABASE_URL: databaseUrl,
  }).catch(async (error: unknown) => {
    await emulator.stop();
    throw error;
  });
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const control = emulatorControl(options.port);
    await control("marketplace/settings", { webhookDelivery: "manual" });
    const { accounts } = (await control("directory")).json as {
      accounts: { oid: string; tenantId: string; homeTenantId?: string }[];
    };
    const buyers = accounts.filter((account) => account.tenantId !== PERSONAL_ACCOUNTS_TENANT && !account.homeTenantId);

    // Subscriptions bought and active on both sides: in the local marketplace, and in the app's
    // tables as an activation leaves them (its tenants ACTIVE).
    const operations: string[] = [];
    for (let index = 0; index < options.subscriptions; index++) {
      const buyer = buyers[index % buyers.length]!;
      const bought = (
        await control("marketplace/purchases", {
          tenantId: buyer.tenantId,
          oid: buyer.oid,
          offerId: "saas-starter",
          planId: "team-monthly",
        })
      ).json as { subscriptionId: string };
      await control(`marketplace/subscriptions/${bought.subscriptionId}/status`, { status: "Subscribed" });
      await db.query(
        `INSERT INTO tenant (id, status, consent_type, updated_at) VALUES ($1, 'ACTIVE', 'USER', now())
         ON CONFLICT (id) DO NOTHING`,
        [buyer.tenantId],
      );
      await db.query(
        `INSERT INTO subscription (id, tenant_id, offer_id, plan_id, status, purchaser_tenant_id, beneficiary_tenant_id, updated_at)
         VALUES ($1, $2::uuid, 'saas-starter', 'team-monthly', 'SUBSCRIBED', $3, $3, now())`,
        [bought.subscriptionId, buyer.tenantId, buyer.tenantId],
      );
      // Microsoft suspends it: one notification, held until the measurement delivers it.
      const suspended = (
        await control(`marketplace/subscriptions/${bought.subscriptionId}/status`, { status: "Suspended" })
      ).json as { operationId: string };
      operations.push(suspended.operationId);
    }

    const deliver = (expected: string) => async (operationId: string) => {
      const answer = (await control("marketplace/webhooks/deliver", { operationId })).json as {
        status: number;
        body: string;
      };
      return answer.status === 200 && (JSON.parse(answer.body) as { outcome: string }).outcome === expected;
    };
    // Warm-up (keys, discovery, the token cache) on a few, which are then out of the measurement.
    const warm = operations.splice(0, 5);
    for (const operationId of warm) await deliver("applied")(operationId);
    const first = await timed(operations, 10, deliver("applied"));
    const repeat = await timed(operations, 10, deliver("repeat"));
    const applied = await db.query(`SELECT count(*)::int AS n FROM marketplace_operation WHERE outcome = 'applied'`);
    if (applied.rows[0].n !== options.subscriptions) {
      throw new Error(`${applied.rows[0].n} operations applied, expected ${options.subscriptions}`);
    }
    return { first, repeat };
  } finally {
    await db.end();
    await server.stop();
    await emulator.stop();
  }
}
