// Metered billing (issue "Metered usage"; "Marketplace metered billing APIs"):
// 1. The product calls recordUsage(access, dimension, quantity): a row in the outbox
//    (usage_record), in the product's own transaction if it passes one.
// 2. aggregateUsage counts complete hours into metered_hour: one row per subscription, dimension
//    and hour (unique), whose `billable` part is what lies above the plan's included quantity in
//    the term (./metering-plans.ts).
// 3. sendUsage sends the pending hours in batches of at most 25 and acts on each event's own
//    answer: Accepted or Duplicate → SENT (never sent again); Expired, ResourceNotActive,
//    InvalidDimension, ... → REJECTED (logged); anything else → tried again later with backoff.
//    An hour is claimed before the call (its next attempt pushed out), so two senders (two
//    instances, the queue and the cron route) never send it at once; a retry after an answer lost
//    on the way is safe, since Microsoft answers Duplicate for an hour it has.
import { Prisma } from "../db/generated/client";
import type { Database } from "../db/client";
import type { TenantAccess } from "../tenants/gate";
import { MAX_USAGE_BATCH, type MeteringClient, type UsageEventResult } from "./metering-api";
import { meteredDimension } from "./metering-plans";

type Tx = Prisma.TransactionClient;

/** Usage of an hour is counted this long after the hour ends (late commits of that hour). */
export const AGGREGATION_GRACE_MS = 5 * 60_000;
/** How long a sender holds the hours it sends before another may take them. */
const CLAIM_MS = 5 * 60_000;
const HOUR = 3_600_000;

export type UsageRecorded = { recorded: true } | { recorded: false; reason: "no-subscription" | "not-metered" };

export class UsageInputError extends Error {}

/**
 * Records `quantity` units of `dimension` used by the person's organization now. Counted against
 * its live subscription whose plan meters the dimension; without one (a trial, a flat rate that
 * does not meter it), nothing is recorded and the answer says why.
 */
export async function recordUsage(
  prismaOrTx: Database | Tx,
  access: TenantAccess,
  dimension: string,
  quantity: number,
  now = new Date(),
): Promise<UsageRecorded> {
  if (!Number.isFinite(quantity) || quantity <= 0 || quantity > 1e9) {
    throw new UsageInputError("quantity: expected a number above 0");
  }
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(dimension)) throw new UsageInputError("dimension: expected a dimension id");
  const live = await prismaOrTx.subscription.findMany({
    where: { tenantId: access.tenantId, status: "SUBSCRIBED" },
    select: { id: true, planId: true },
    orderBy: { createdAt: "asc" },
  });
  if (live.length === 0) return { recorded: false, reason: "no-subscription" };
  const subscription = live.find((candidate) => meteredDimension(candidate.planId, dimension));
  if (!subscription) return { recorded: false, reason: "not-metered" };
  await prismaOrTx.usageRecord.create({
    data: {
      tenantId: access.tenantId,
      subscriptionId: subscription.id,
      planId: subscription.planId,
      dimension,
      quantity,
      occurredAt: now,
    },
  });
  return { recorded: true };
}

const hourOf = (date: Date) => new Date(Math.floor(date.getTime() / HOUR) * HOUR);
const monthOf = (date: Date) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));

type Taken = { subscriptionId: string; planId: string; dimension: string; occurredAt: Date; quantity: Prisma.Decimal };

/** The part of `quantity` above `included`, after `before` was used in the term. */
export function billablePart(before: number, quantity: number, included: number): number {
  return Math.max(0, before + quantity - included) - Math.max(0, before - included);
}

/** Counts the complete hours' usage into metered_hour. Returns how many records and hours. */
export async function aggregateUsage(
  prisma: Database,
  now = new Date(),
  log: Pick<Console, "warn"> = console,
): Promise<{ records: number; hours: number; late: number }> {
  const cutoff = hourOf(new Date(now.getTime() - AGGREGATION_GRACE_MS));
  return prisma.$transaction(async (tx) => {
    // One aggregator at a time (two instances, the queue and the cron route).
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('marketplace.metering.aggregate'))`;
    const taken = await tx.$queryRaw<Taken[]>`
      UPDATE usage_record SET aggregated_at = ${now}
       WHERE id IN (SELECT id FROM usage_record WHERE aggregated_at IS NULL AND occurred_at < ${cutoff}
                     ORDER BY id LIMIT 10000)
      RETURNING subscription_id::text AS "subscriptionId", plan_id AS "planId", dimension,
                occurred_at AS "occurredAt", quantity`;
    const groups = new Map<string, { key: Omit<Taken, "occurredAt" | "quantity">; hour: Date; quantity: number }>();
    for (const row of taken) {
      const hour = hourOf(row.occurredAt);
      const id = `${row.subscriptionId}|${row.dimension}|${hour.toISOString()}|${row.planId}`;
      const group = groups.get(id) ?? { key: row, hour, quantity: 0 };
      group.quantity += Number(row.quantity);
      groups.set(id, group);
    }
    let late = 0;
    const ordered = [...groups.values()].sort((a, b) => a.hour.getTime() - b.hour.getTime());
    for (const group of ordered) {
      late += await countHour(tx, group.key, group.hour, group.quantity, now, log);
    }
    return { records: taken.length, hours: ordered.length, late };
  });
}

/** Adds an hour's usage to its metered_hour; 1 when it came too late (the hour was already sent). */
async function countHour(
  tx: Tx,
  key: { subscriptionId: string; planId: string; dimension: string },
  hour: Date,
  quantity: number,
  now: Date,
  log: Pick<Console, "warn">,
): Promise<number> {
  const unique = { subscriptionId: key.subscriptionId, dimension: key.dimension, hour };
  const existing = await tx.meteredHour.findUnique({ where: { subscriptionId_dimension_hour: unique } });
  if (existing && existing.status !== "PENDING" && existing.status !== "INCLUDED") {
    log.warn(
      `[metering] ${quantity} ${key.dimension} of subscription ${key.subscriptionId} for ${hour.toISOString()} came after that hour was sent; not billed`,
    );
    return 1;
  }
  const subscription = await tx.subscription.findUnique({
    where: { id: key.subscriptionId },
    select: { termStartsAt: true },
  });
  const termStart =
    subscription?.termStartsAt && subscription.termStartsAt <= hour ? subscription.termStartsAt : monthOf(hour);
  const before = await tx.meteredHour.aggregate({
    _sum: { quantity: true },
    where: { subscriptionId: key.subscriptionId, dimension: key.dimension, hour: { gte: termStart, lt: hour } },
  });
  const total = quantity + Number(existing?.quantity ?? 0);
  const included = meteredDimension(key.planId, key.dimension)?.includedPerTerm ?? 0;
  const billable = billablePart(Number(before._sum.quantity ?? 0), total, included);
  const data = { quantity: total, billable, status: billable > 0 ? ("PENDING" as const) : ("INCLUDED" as const) };
  if (existing) await tx.meteredHour.update({ where: { id: existing.id }, data });
  // Ready to send from the aggregator's own clock on (not the database's: one clock per run).
  else await tx.meteredHour.create({ data: { ...unique, planId: key.planId, ...data, nextAttemptAt: now } });
  return 0;
}

/** Waits before the next attempt of an hour: 1, 2, 4, ... minutes, at most an hour. */
const backoffMs = (attempts: number) => Math.min(HOUR, 60_000 * 2 ** Math.max(0, attempts - 1));

export type SendSummary = { sent: number; rejected: number; retry: number };

/** Sends the pending hours, at most `maxBatches` batches of 25. */
export async function sendUsage(
  prisma: Database,
  client: Pick<MeteringClient, "postUsageBatch">,
  options: { now?: () => Date; maxBatches?: number; log?: Pick<Console, "warn" | "info"> } = {},
): Promise<SendSummary> {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? console;
  const summary: SendSummary = { sent: 0, rejected: 0, retry: 0 };
  for (let batch = 0; batch < (options.maxBatches ?? 40); batch++) {
    const claimed = await prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ id: bigint }[]>`
        SELECT id FROM metered_hour WHERE status = 'PENDING' AND next_attempt_at <= ${now()}
         ORDER BY hour, id LIMIT ${MAX_USAGE_BATCH} FOR UPDATE SKIP LOCKED`;
      if (rows.length === 0) return [];
      const ids = rows.map((row) => row.id);
      await tx.meteredHour.updateMany({
        where: { id: { in: ids } },
        data: { nextAttemptAt: new Date(now().getTime() + CLAIM_MS), attempts: { increment: 1 } },
      });
      return tx.meteredHour.findMany({ where: { id: { in: ids } } });
    });
    if (claimed.length === 0) break;

    let results: UsageEventResult[];
    try {
      ({ results } = await client.postUsageBatch(
        claimed.map((row) => ({
          resourceId: row.subscriptionId,
          planId: row.planId,
          dimension: row.dimension,
          quantity: Number(row.billable),
          effectiveStartTime: row.hour,
        })),
      ));
    } catch (error) {
      // The whole batch failed (throttled, down, our credential): each hour waits its backoff.
      for (const row of claimed) {
        await prisma.meteredHour.update({
          where: { id: row.id },
          data: { nextAttemptAt: new Date(now().getTime() + backoffMs(row.attempts)) },
        });
      }
      summary.retry += claimed.length;
      log.warn(`[metering] a batch of ${claimed.length} hour(s) was not sent, will retry: ${(error as Error).message}`);
      break;
    }

    for (const row of claimed) {
      const result = results.find(
        (candidate) =>
          candidate.event.resourceId === row.subscriptionId.toLowerCase() &&
          candidate.event.dimension === row.dimension &&
          new Date(candidate.event.effectiveStartTime).getTime() === row.hour.getTime(),
      );
      const outcome = result?.outcome ?? "retry";
      const status = result?.status ?? "Unanswered";
      if (outcome === "sent") {
        summary.sent++;
        await prisma.meteredHour.update({
          where: { id: row.id },
          data: { status: "SENT", marketplaceStatus: status, usageEventId: result?.usageEventId, sentAt: now() },
        });
      } else if (outcome === "rejected") {
        summary.rejected++;
        log.warn(
          `[metering] the marketplace refused ${row.dimension} of subscription ${row.subscriptionId} for ${row.hour.toISOString()}: ${status}`,
        );
        await prisma.meteredHour.update({
          where: { id: row.id },
          data: { status: "REJECTED", marketplaceStatus: status },
        });
      } else {
        summary.retry++;
        await prisma.meteredHour.update({
          where: { id: row.id },
          data: { marketplaceStatus: status, nextAttemptAt: new Date(now().getTime() + backoffMs(row.attempts)) },
        });
      }
    }
  }
  if (summary.sent || summary.rejected || summary.retry) {
    log.info(`[metering] sent ${summary.sent}, refused ${summary.rejected}, to retry ${summary.retry}`);
  }
  return summary;
}
