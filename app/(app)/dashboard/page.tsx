import type { Metadata } from "next";
import Link from "next/link";
import { db } from "@/lib/db/client";
import { requireTenantAccess } from "@/lib/tenants/access";
import { organizationName } from "@/lib/tenants/gate";
import { latestTenantEvents } from "@/lib/tenants/queries";
import { TrialBanner } from "../trial-banner";
import { When } from "../when";

export const metadata: Metadata = { title: "Overview" };

/** What each audit event says to the organization's people. */
const EVENT_TEXT: Record<string, string> = {
  "tenant.trial_started": "Free trial started",
  "tenant.trial_requested": "Trial requested",
  "tenant.trial_approved": "Trial approved",
  "tenant.trial_extended": "Trial extended",
  "tenant.admin_consented": "An administrator approved the app for the organization",
  "tenant.activated": "The organization's account is now paid",
  "subscription.activated": "A marketplace subscription was activated",
  "tenant.settings_changed": "The organization's settings were changed",
  "tenant.suspended": "Access suspended",
  "tenant.reinstated": "Access restored",
  "user.joined": "A colleague joined",
  "user.promoted": "A colleague was made an admin",
  "user.demoted": "An admin was made a member",
  "user.suspended": "A colleague's access was suspended",
  "user.reactivated": "A colleague's access was restored",
  "note.added": "A note was added",
  "note.deleted": "A note was deleted",
};

export default async function OverviewPage() {
  // Asked again where the data is read (the layout and the proxy asked before).
  const access = await requireTenantAccess();
  const events = await latestTenantEvents(await db(), access);

  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold text-brand-dark">Overview</h1>
      <TrialBanner access={access} />

      <section className="grid gap-4 sm:grid-cols-2" aria-label="Your organization and you">
        <div className="min-w-0 rounded border border-slate-200 bg-white p-4">
          <h2 className="text-sm font-medium text-slate-500">Organization</h2>
          <p className="truncate text-lg font-semibold">{organizationName(access)}</p>
          <p className="truncate text-slate-600">{access.tenant.domain ?? ""}</p>
          <p className="mt-2 break-all text-xs text-slate-500">Tenant ID {access.tenantId}</p>
        </div>
        <div className="min-w-0 rounded border border-slate-200 bg-white p-4">
          <h2 className="text-sm font-medium text-slate-500">You</h2>
          <p className="truncate text-lg font-semibold">{access.user.name}</p>
          <p className="truncate text-slate-600">{access.user.email}</p>
          <p className="mt-2 text-sm">
            <Link href="/team" className="text-brand underline">
              See your team
            </Link>
          </p>
        </div>
      </section>

      <section>
        <h2 className="mb-2 text-xl font-semibold">Recent activity</h2>
        <ul className="divide-y divide-slate-100 rounded border border-slate-200 bg-white">
          {events.map((event) => (
            <li key={event.id} className="flex flex-wrap justify-between gap-2 px-4 py-2 text-sm">
              <span>{EVENT_TEXT[event.type] ?? event.type}</span>
              <span className="text-slate-500">
                <When iso={event.occurredAt.toISOString()} />
              </span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
