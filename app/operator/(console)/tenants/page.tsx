import type { Metadata } from "next";
import Link from "next/link";
import { db } from "@/lib/db/client";
import { requireOperator } from "@/lib/operators/access";
import { listTenants, STATUSES, type StatusFilter, type TenantQuery } from "@/lib/operators/tenants";
import { effectiveStatus } from "@/lib/tenants/gate";
import { formatDate } from "@/lib/format";

export const metadata: Metadata = { title: "Tenants · Operator console" };

type Params = { q?: string; status?: string; sort?: string; after?: string };

/** What the URL may say, and nothing else. */
function queryOf(params: Params): TenantQuery {
  return {
    q: params.q?.slice(0, 200) || undefined,
    status: STATUSES.includes(params.status as StatusFilter) ? (params.status as StatusFilter) : undefined,
    sort: params.sort === "trial-end" ? "trial-end" : "created",
    after: params.after?.slice(0, 300) || undefined,
  };
}

const linkTo = (path: string, query: TenantQuery, extra: Record<string, string | undefined> = {}) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries({ q: query.q, status: query.status, sort: query.sort, ...extra })) {
    if (value) search.set(name, value);
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
};

const date = (value: Date | null) => (value ? formatDate(value) : "—");

export default async function TenantsPage({ searchParams }: { searchParams: Promise<Params> }) {
  const access = await requireOperator();
  const query = queryOf(await searchParams);
  const { rows, next } = await listTenants(await db(), access, query);
  const now = new Date();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold text-brand-dark">Tenants</h1>
      <form method="get" className="flex flex-wrap items-end gap-3 rounded border border-slate-200 bg-white p-4">
        <div className="min-w-60 flex-1">
          <label htmlFor="q" className="block text-sm font-medium text-slate-600">
            Search: name, domain or tenant id
          </label>
          <input
            id="q"
            name="q"
            type="search"
            defaultValue={query.q}
            className="w-full rounded border border-slate-300 px-3 py-2"
          />
        </div>
        <div>
          <label htmlFor="status" className="block text-sm font-medium text-slate-600">
            Status
          </label>
          <select
            id="status"
            name="status"
            defaultValue={query.status ?? ""}
            className="rounded border border-slate-300 px-3 py-2"
          >
            <option value="">Any</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="sort" className="block text-sm font-medium text-slate-600">
            Sort by
          </label>
          <select id="sort" name="sort" defaultValue={query.sort} className="rounded border border-slate-300 px-3 py-2">
            <option value="created">Newest first</option>
            <option value="trial-end">Trial ending soonest</option>
          </select>
        </div>
        <button type="submit" className="rounded bg-brand px-4 py-2 font-medium text-white hover:bg-brand-dark">
          Search
        </button>
        <a href={linkTo("/operator/tenants-export", query)} className="px-2 py-2 text-brand underline">
          Export CSV
        </a>
      </form>

      <div className="overflow-x-auto rounded border border-slate-200 bg-white">
        <table className="w-full border-collapse text-left text-sm">
          <caption className="sr-only">Tenants</caption>
          <thead>
            <tr className="border-b border-slate-200 text-slate-500">
              <th scope="col" className="p-2">
                Organization
              </th>
              <th scope="col" className="p-2">
                Status
              </th>
              <th scope="col" className="p-2">
                Trial ends
              </th>
              <th scope="col" className="p-2">
                Signed up
              </th>
              <th scope="col" className="p-2">
                Channel
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} className="border-b border-slate-100">
                <td className="p-2">
                  {/* A plain link per row: next/link's client component (its router hooks and
                      prefetching) cost the server more per row than the row itself (README, "Speed"). */}
                  <a href={`/operator/tenants/${row.id}`} className="font-medium text-brand underline">
                    {row.displayName ?? row.primaryDomain ?? row.id}
                  </a>
                  <span className="block text-xs break-all text-slate-500">
                    {row.primaryDomain ? `${row.primaryDomain} · ` : ""}
                    {row.id}
                  </span>
                </td>
                <td className="p-2">{effectiveStatus(row.status, row.trialEndsAt, now)}</td>
                <td className="p-2">{date(row.trialEndsAt)}</td>
                <td className="p-2">{date(row.createdAt)}</td>
                <td className="p-2">{row.signupChannel}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 ? <p className="p-4 text-slate-600">No tenant matches.</p> : null}
      </div>
      <nav aria-label="Pages" className="flex gap-4">
        {query.after ? (
          <Link href={linkTo("/operator/tenants", query)} className="text-brand underline">
            First page
          </Link>
        ) : null}
        {next ? (
          <Link href={linkTo("/operator/tenants", query, { after: next })} className="text-brand underline">
            Next page
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
