import type { Metadata } from "next";
import Link from "next/link";
import { db } from "@/lib/db/client";
import { marketplaceHealth } from "@/lib/marketplace/credential-check";
import { requireOperator } from "@/lib/operators/access";
import { recentOverview } from "@/lib/operators/overview";
import { BarChart } from "./bar-chart";
import { formatCount, formatDate } from "@/lib/format";

export const metadata: Metadata = { title: "Operator console" };

const CREDENTIAL: Record<string, string> = {
  ok: "accepted by Microsoft Entra ID",
  refused: "REFUSED: customers cannot be activated or billed (see the server log for the variable to fix)",
  unreachable: "Entra ID could not be reached at the last attempt",
  "not-checked": "not tried yet on this server",
};

const date = (value: Date) => formatDate(value);

export default async function OverviewPage() {
  const access = await requireOperator();
  const figures = await recentOverview(await db(), access);
  const credential = marketplaceHealth();
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold text-brand-dark">Overview</h1>
      <p className="text-sm text-slate-600">Figures at most a minute old.</p>

      <section aria-labelledby="by-status" className="space-y-2">
        <h2 id="by-status" className="text-xl font-semibold">
          Tenants by status
        </h2>
        <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
          {figures.byStatus.map((row) => (
            <li key={row.status} className="rounded border border-slate-200 bg-white p-3">
              <Link href={`/operator/tenants?status=${row.status}`} className="block">
                <span className="block text-2xl font-semibold">{formatCount(row.count)}</span>
                <span className="text-sm text-slate-600">{row.status}</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="signups" className="space-y-2">
        <h2 id="signups" className="text-xl font-semibold">
          Sign-ups, last 30 days
        </h2>
        <BarChart
          title="Sign-ups per day by channel"
          rows={figures.signupsPerDay}
          label="day"
          series={[
            { key: "trial", label: "Customer-led trial", color: "#2563eb" },
            { key: "admin", label: "Admin sign-up", color: "#0f766e" },
            { key: "marketplace", label: "Marketplace purchase", color: "#b45309" },
          ]}
        />
      </section>

      <section aria-labelledby="ending" className="space-y-2">
        <h2 id="ending" className="text-xl font-semibold">
          Trials ending in the next 7 days ({formatCount(figures.trialsEndingCount)})
        </h2>
        {figures.trialsEnding.length ? (
          <ul className="divide-y divide-slate-100 rounded border border-slate-200 bg-white text-sm">
            {figures.trialsEnding.map((tenant) => (
              <li key={tenant.id} className="flex justify-between gap-4 p-2">
                {/* Plain links in long lists: see tenants/page.tsx. */}
                <a href={`/operator/tenants/${tenant.id}`} className="text-brand underline">
                  {tenant.name ?? tenant.domain ?? tenant.id}
                </a>
                <span>ends {date(tenant.trialEndsAt)}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-slate-600">None.</p>
        )}
      </section>

      <section aria-labelledby="conversion" className="space-y-2">
        <h2 id="conversion" className="text-xl font-semibold">
          Trial to paid, by sign-up week
        </h2>
        <BarChart
          title="Trials and conversions by sign-up week"
          rows={figures.conversionByWeek.map((row) => ({ ...row, open: row.trials - row.converted }))}
          label="week"
          series={[
            { key: "converted", label: "Converted to paid", color: "#15803d" },
            { key: "open", label: "Not (yet) converted", color: "#94a3b8" },
          ]}
        />
      </section>

      <section aria-labelledby="subscriptions" className="space-y-2">
        <h2 id="subscriptions" className="text-xl font-semibold">
          Marketplace subscriptions
        </h2>
        {figures.subscriptionsByStatus.length ? (
          <ul className="flex flex-wrap gap-3">
            {figures.subscriptionsByStatus.map((row) => (
              <li key={row.status} className="rounded border border-slate-200 bg-white p-3">
                <span className="block text-2xl font-semibold">{formatCount(row.count)}</span>
                <span className="text-sm text-slate-600">{row.status}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-slate-600">None yet.</p>
        )}
        {credential ? (
          <p className="text-sm text-slate-700">
            Fulfillment app credential: <strong>{CREDENTIAL[credential]}</strong>.
          </p>
        ) : (
          <p className="text-sm text-slate-600">The marketplace is not configured on this server.</p>
        )}
      </section>
    </div>
  );
}
