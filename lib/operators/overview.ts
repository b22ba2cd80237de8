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
    prisma.$queryRaw<{ status: string; count: number }[]>`
      SELECT CASE WHEN status = 'TRIAL' AND (trial_ends_at IS NULL OR trial_ends_at <= ${now})
                  THEN 'EXPIRED' ELSE status::text END AS status, count(*)::int AS count
        FROM tenant GROUP BY 1 ORDER BY 1`,
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
  return {
    byStatus,
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
