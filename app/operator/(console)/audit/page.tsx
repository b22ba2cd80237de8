import type { Metadata } from "next";
import Link from "next/link";
import { db } from "@/lib/db/client";
import { requireOperator } from "@/lib/operators/access";
import { auditLog, type AuditQuery } from "@/lib/operators/audit";
import { formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "Audit log · Operator console" };

type Params = { tenant?: string; type?: string; actor?: string; from?: string; to?: string; after?: string };

const dateOf = (value: string | undefined, endOfDay = false) => {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return undefined;
  return endOfDay ? new Date(date.getTime() + 86_400_000) : date;
};

const when = (value: Date) => formatDateTime(value, "medium");

export default async function AuditPage({ searchParams }: { searchParams: Promise<Params> }) {
  const access = await requireOperator();
  const params = await searchParams;
  const query: AuditQuery = {
    tenantId: params.tenant?.trim() || undefined,
    type: params.type?.trim() || undefined,
    actor: params.actor?.trim() || undefined,
    from: dateOf(params.from),
    to: dateOf(params.to, true),
    after: params.after?.slice(0, 300),
  };
  const { rows, next } = await auditLog(await db(), access, query);
  const keep = new URLSearchParams(
    Object.entries({ tenant: params.tenant, type: params.type, actor: params.actor, from: params.from, to: params.to })
      .filter((entry): entry is [string, string] => Boolean(entry[1]))
      .map(([name, value]) => [name, value.slice(0, 200)]),
  );
  const field = "w-full rounded border border-slate-300 px-3 py-2";
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold text-brand-dark">Audit log</h1>
      <form
        method="get"
        className="grid gap-3 rounded border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-5"
      >
        <div>
          <label htmlFor="tenant" className="block text-sm font-medium text-slate-600">
            Tenant id
          </label>
          <input id="tenant" name="tenant" defaultValue={params.tenant} className={field} />
        </div>
        <div>
          <label htmlFor="type" className="block text-sm font-medium text-slate-600">
            Type (e.g. tenant.suspended)
          </label>
          <input id="type" name="type" defaultValue={params.type} className={field} />
        </div>
        <div>
          <label htmlFor="actor" className="block text-sm font-medium text-slate-600">
            Actor (e.g. operator:&lt;tid&gt;/&lt;oid&gt;)
          </label>
          <input id="actor" name="actor" defaultValue={params.actor} className={field} />
        </div>
        <div>
          <label htmlFor="from" className="block text-sm font-medium text-slate-600">
            From (UTC)
          </label>
          <input id="from" name="from" type="date" defaultValue={params.from} className={field} />
        </div>
        <div>
          <label htmlFor="to" className="block text-sm font-medium text-slate-600">
            To (UTC)
          </label>
          <input id="to" name="to" type="date" defaultValue={params.to} className={field} />
        </div>
        <div className="sm:col-span-2 lg:col-span-5">
          <button type="submit" className="rounded bg-brand px-4 py-2 font-medium text-white hover:bg-brand-dark">
            Filter
          </button>
        </div>
      </form>

      <ol className="divide-y divide-slate-100 rounded border border-slate-200 bg-white text-sm">
        {rows.map((row) => (
          <li key={row.id} className="space-y-1 p-3">
            <p>
              <span className="font-medium">{row.type}</span> · {when(row.occurredAt)}
            </p>
            <p className="break-all text-slate-600">
              by {row.actor}
              {typeof row.detail.operator === "string" ? ` (${row.detail.operator})` : ""}
              {row.tenantId ? (
                <>
                  {" "}
                  on {/* Plain links in long lists: see tenants/page.tsx. */}
                  <a href={`/operator/tenants/${row.tenantId}`} className="text-brand underline">
                    {row.tenantName ?? row.tenantId}
                  </a>
                </>
              ) : null}
            </p>
            {typeof row.detail.reason === "string" ? <p>Reason: {row.detail.reason}</p> : null}
          </li>
        ))}
      </ol>
      {rows.length === 0 ? <p className="text-slate-600">No event matches.</p> : null}
      <nav aria-label="Pages" className="flex gap-4">
        {query.after ? (
          <Link href={`/operator/audit?${keep}`} className="text-brand underline">
            First page
          </Link>
        ) : null}
        {next ? (
          <Link
            href={`/operator/audit?${new URLSearchParams([...keep, ["after", next]])}`}
            className="text-brand underline"
          >
            Next page
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
