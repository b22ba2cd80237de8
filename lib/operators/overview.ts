// The console's overview: tenants by status, sign-ups per day by channel, trials ending soon,
// trial-to-paid conversion by sign-up week, marketplace subscriptions by status. Each figure is
// one query an index serves (the tenant table's created_at, status/trial end); the counts by
// status read the whole (status) index, the only figure that grows with the table.
import type { Database } from "../db/client";
import type { OperatorAccess } from "./gate";

const DAY = 86_400_000;

export type Overview = {
  byStatus: { status: string; count: number }[];
  signupsPerDay: { day: string; trial: number; admin: number; marketplace: number }[];
  trialsEnding: { id: string; name: string | null; domain: string | null; trialEndsAt: Date }[];
  trialsEndingCount: number;
  conversionByWeek: { week: string; trials: number; converted: number }[];
  subscriptionsByStatus: { status: string; count: number }[];
};

export async function overview(prisma: Database, _access: OperatorAccess, now = new Date()): Promise<Overview> {
  const since30 = new Date(now.getTime() - 30 * DAY);
  const in7 = new Date(now.getTime() + 7 * DAY);
  const since8Weeks = new Date(now.getTime() - 56 * DAY);
  const [byStatus, signups, trialsEnding, endingCount, conversion, subscriptions] = await Promise.all([
    // Stored statuses (an index-only count), and the trials already past their end (a range of
    // the (status, trial_ends_at) index): EXPIRED as the gate sees it.
    prisma.$queryRaw<{ status: string; count: number }[]>`
      SELECT status::text AS status, count(*)::int AS count FROM tenant GROUP BY 1
      UNION ALL
      SELECT 'TRIAL_ENDED', count(*)::int FROM tenant
       WHERE status = 'TRIAL' AND (trial_ends_at IS NULL OR trial_ends_at <= ${now})`,
    prisma.$queryRaw<{ day: Date; channel: string; count: number }[]>`
      SELECT date_trunc('day', created_at, 'UTC') AS day, signup_channel::text AS channel, count(*)::int AS count
        FROM tenant WHERE created_at >= ${since30} GROUP BY 1, 2`,
    prisma.$queryRaw<{ id: string; name: string | null; domain: string | null; trialEndsAt: Date }[]>`
      SELECT id::text AS id, display_name AS name, primary_domain AS domain, trial_ends_at AS "trialEndsAt"
        FROM tenant WHERE status = 'TRIAL' AND trial_ends_at > ${now} AND trial_ends_at <= ${in7}
       ORDER BY trial_ends_at, id LIMIT 20`,
    prisma.$queryRaw<{ count: number }[]>`
      SELECT count(*)::int AS count FROM tenant
       WHERE status = 'TRIAL' AND trial_ends_at > ${now} AND trial_ends_at <= ${in7}`,
    prisma.$queryRaw<{ week: Date; trials: number; converted: number }[]>`
      SELECT date_trunc('week', t.created_at, 'UTC') AS week, count(*)::int AS trials,
             count(*) FILTER (WHERE t.status = 'ACTIVE'
                OR EXISTS (SELECT 1 FROM subscription s WHERE s.tenant_id = t.id))::int AS converted
        FROM tenant t
       WHERE t.created_at >= ${since8Weeks} AND t.signup_channel <> 'MARKETPLACE'
       GROUP BY 1 ORDER BY 1`,
    prisma.$queryRaw<{ status: string; count: number }[]>`
      SELECT status::text AS status, count(*)::int AS count FROM subscription GROUP BY 1 ORDER BY 1`,
  ]);

  const days = new Map<string, Overview["signupsPerDay"][number]>();
  for (let index = 29; index >= 0; index--) {
    const day = new Date(now.getTime() - index * DAY).toISOString().slice(0, 10);
    days.set(day, { day, trial: 0, admin: 0, marketplace: 0 });
  }
  for (const row of signups) {
    const entry = days.get(row.day.toISOString().slice(0, 10));
    if (!entry) continue;
    if (row.channel === "ADMIN_SIGNUP") entry.admin += row.count;
    else if (row.channel === "MARKETPLACE") entry.marketplace += row.count;
    else entry.trial += row.count;
  }
  const ended = byStatus.find((row) => row.status === "TRIAL_ENDED")?.count ?? 0;
  const counts = new Map(byStatus.filter((row) => row.status !== "TRIAL_ENDED").map((row) => [row.status, row.count]));
  counts.set("TRIAL", (counts.get("TRIAL") ?? 0) - ended);
  counts.set("EXPIRED", (counts.get("EXPIRED") ?? 0) + ended);
  return {
    byStatus: [...counts]
      .filter(([, count]) => count > 0)
      .map(([status, count]) => ({ status, count }))
      .sort((a, b) => a.status.localeCompare(b.status)),
    signupsPerDay: [...days.values()],
    trialsEnding,
    trialsEndingCount: endingCount[0]?.count ?? 0,
    conversionByWeek: conversion.map((row) => ({
      week: row.week.toISOString().slice(0, 10),
      trials: row.trials,
      converted: row.converted,
    })),
    subscriptionsByStatus: subscriptions,
  };
}

// The overview's counts read every tenant row of their window: with a million tenants they take
// most of a second. Operators do not need them to the second: one computation a minute per
// process, shared by every request meanwhile (one entry: a bounded cache, safe to lose).
const OVERVIEW_TTL_MS = 60_000;
const shared = globalThis as unknown as { operatorOverview?: { at: number; value: Promise<Overview> } };

/** The overview, at most a minute old. */
export function recentOverview(prisma: Database, access: OperatorAccess, now = Date.now()): Promise<Overview> {
  const cached = shared.operatorOverview;
  if (cached && now - cached.at < OVERVIEW_TTL_MS) return cached.value;
  const value = overview(prisma, access, new Date(now));
  shared.operatorOverview = { at: now, value };
  value.catch(() => {
    if (shared.operatorOverview?.value === value) shared.operatorOverview = undefined;
  });
  return value;
}
