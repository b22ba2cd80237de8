import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { db } from "@/lib/db/client";
import { requireOperator } from "@/lib/operators/access";
import { mayAct } from "@/lib/operators/gate";
import { tenantDetail } from "@/lib/operators/tenant-detail";
import { effectiveStatus } from "@/lib/tenants/gate";
import { ActionForm } from "./action-form";
import { GUID } from "@/lib/guid";
import { formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "Tenant · Operator console" };

const when = (value: Date | null | undefined) => (value ? formatDateTime(value) : "—");

/** Which changes the lifecycle allows from a status (lib/tenants/lifecycle.ts TRANSITIONS, operator's). */
const ACTIONS: Record<string, string[]> = {
  PENDING: ["approve", "activate", "suspend"],
  TRIAL: ["extend", "activate", "suspend"],
  EXPIRED: ["extend", "activate", "suspend"],
  ACTIVE: ["suspend"],
  SUSPENDED: ["reinstate"],
  ENDED: ["activate"],
};

function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-sm text-slate-500">{label}</dt>
      <dd className="break-words">{children}</dd>
    </div>
  );
}

/** What the page says after a change; only these codes, whatever the URL carries. */
const DONE: Record<string, string> = {
  approve: "Done: the trial is approved and running.",
  extend: "Done: the trial is extended.",
  activate: "Done: the tenant is active.",
  suspend: "Done: the tenant is suspended; its people are cut off at their next request.",
  reinstate: "Done: the tenant is reinstated.",
};

export default async function TenantPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ done?: string }>;
}) {
  const access = await requireOperator();
  const { id } = await params;
  if (!GUID.test(id)) notFound();
  const detail = await tenantDetail(await db(), access, id.toLowerCase());
  if (!detail) notFound();
  const { tenant, history, events, users, subscriptions } = detail;
  const status = effectiveStatus(tenant.status, tenant.trialEndsAt, new Date());
  const name = tenant.displayName ?? tenant.primaryDomain ?? tenant.id;
  const done = (await searchParams).done ?? "";
  return (
    <div className="space-y-8">
      <div>
        <p className="text-sm">
          <Link href="/operator/tenants" className="text-brand underline">
            Tenants
          </Link>
        </p>
        <h1 className="text-2xl font-semibold text-brand-dark">{name}</h1>
        <p className="text-sm break-all text-slate-600">{tenant.id}</p>
      </div>
      {Object.hasOwn(DONE, done) ? (
        <p role="status" className="rounded border border-green-300 bg-green-50 px-3 py-2 text-sm text-green-900">
          {DONE[done]}
        </p>
      ) : null}

      <dl className="grid gap-4 rounded border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-3">
        <Detail label="Status">
          <strong>{status}</strong>
          {tenant.suspensionReason ? ` (by ${tenant.suspensionReason.toLowerCase()})` : ""}
        </Detail>
        <Detail label="Trial">
          {tenant.trialStartsAt ? `${when(tenant.trialStartsAt)} to ${when(tenant.trialEndsAt)}` : "—"}
        </Detail>
        <Detail label="Signed up">
          {when(tenant.createdAt)} · {tenant.signupChannel}
        </Detail>
        <Detail label="Consent">
          {tenant.consentType === "ADMIN"
            ? `Admin consent ${when(tenant.adminConsentedAt)} by ${tenant.adminConsentedBy ?? "—"}`
            : "Each person's own (customer-led trial)"}
          {tenant.consentRevokedAt ? ` · revoked ${when(tenant.consentRevokedAt)}` : ""}
        </Detail>
        <Detail label="Domain">{tenant.primaryDomain ?? "—"}</Detail>
        <Detail label="Contact">
          {[tenant.contactName, tenant.contactEmail, tenant.contactPhone].filter(Boolean).join(" · ") || "—"}
        </Detail>
        <Detail label="Sign-up source">{tenant.signupSource ? JSON.stringify(tenant.signupSource) : "—"}</Detail>
        {tenant.dataRetainedUntil ? <Detail label="Data kept until">{when(tenant.dataRetainedUntil)}</Detail> : null}
        {tenant.seatLimit !== null ? <Detail label="Seats">{tenant.seatLimit}</Detail> : null}
      </dl>

      <section aria-labelledby="actions" className="space-y-3">
        <h2 id="actions" className="text-xl font-semibold">
          Actions
        </h2>
        {mayAct(access) ? (
          <div className="grid gap-4 lg:grid-cols-2">
            {(ACTIONS[status] ?? []).map((action) => (
              <ActionForm key={action} tenantId={tenant.id} action={action} tenantName={name} />
            ))}
          </div>
        ) : (
          <p className="text-slate-600">Your role (Operator.Read) lets you read the console only.</p>
        )}
      </section>

      <section aria-labelledby="subscriptions" className="space-y-2">
        <h2 id="subscriptions" className="text-xl font-semibold">
          Marketplace subscription
        </h2>
        {subscriptions.length ? (
          <ul className="space-y-2 text-sm">
            {subscriptions.map((subscription) => (
              <li key={subscription.id} className="rounded border border-slate-200 bg-white p-3">
                <strong>{subscription.planId}</strong>
                {subscription.quantity ? ` · ${subscription.quantity} seats` : ""} · {subscription.status} · term{" "}
                {when(subscription.termStartsAt)} to {when(subscription.termEndsAt)}
                <span className="block text-xs break-all text-slate-500">
                  {subscription.id} · bought by {subscription.purchaserEmail ?? subscription.purchaserTenantId}
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-slate-600">None.</p>
        )}
      </section>

      <section aria-labelledby="people" className="space-y-2">
        <h2 id="people" className="text-xl font-semibold">
          People ({users.length})
        </h2>
        <div className="overflow-x-auto rounded border border-slate-200 bg-white">
          <table className="w-full border-collapse text-left text-sm">
            <caption className="sr-only">People</caption>
            <thead>
              <tr className="border-b border-slate-200 text-slate-500">
                <th scope="col" className="p-2">
                  Name
                </th>
                <th scope="col" className="p-2">
                  E-mail
                </th>
                <th scope="col" className="p-2">
                  Role
                </th>
                <th scope="col" className="p-2">
                  Last sign-in
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <tr key={user.id} className="border-b border-slate-100">
                  <td className="p-2">{user.displayName ?? "—"}</td>
                  <td className="p-2 break-all">{user.email ?? "—"}</td>
                  <td className="p-2">
                    {user.role === "ADMIN" ? "Admin" : "Member"}
                    {user.suspendedAt ? " (suspended)" : ""}
                  </td>
                  <td className="p-2">{when(user.lastSignInAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="history" className="space-y-2">
        <h2 id="history" className="text-xl font-semibold">
          Status history
        </h2>
        <EventList events={history} />
      </section>

      <section aria-labelledby="events" className="space-y-2">
        <h2 id="events" className="text-xl font-semibold">
          Latest audit events
        </h2>
        <EventList events={events} />
        <p className="text-sm">
          <Link href={`/operator/audit?tenant=${tenant.id}`} className="text-brand underline">
            All of this tenant&apos;s events
          </Link>
        </p>
      </section>
    </div>
  );
}

function EventList({
  events,
}: {
  events: { id: string; type: string; actor: string; occurredAt: Date; detail: unknown }[];
}) {
  if (!events.length) return <p className="text-slate-600">None.</p>;
  return (
    <ol className="divide-y divide-slate-100 rounded border border-slate-200 bg-white text-sm">
      {events.map((event) => {
        const detail = (event.detail ?? {}) as Record<string, unknown>;
        return (
          <li key={event.id} className="p-2">
            <span className="font-medium">{event.type}</span> · {when(event.occurredAt)} · {event.actor}
            {typeof detail.operator === "string" ? ` (${detail.operator})` : ""}
            {typeof detail.reason === "string" ? (
              <span className="block text-slate-600">Reason: {detail.reason}</span>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
