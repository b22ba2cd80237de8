import Link from "next/link";
import { requireTenantAccess } from "@/lib/tenants/access";
import { signOutAction } from "./actions";

// Everything under (app) is tenant data: the gate runs before anything renders.
export default async function GatedLayout({ children }: { children: React.ReactNode }) {
  const access = await requireTenantAccess();
  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-center justify-between gap-4 border-b border-slate-200 pb-4">
        <Link href="/dashboard" className="font-semibold text-brand-dark">
          {access.tenant.name ?? access.tenant.domain ?? "Your organization"}
        </Link>
        <form action={signOutAction} className="flex items-center gap-3 text-sm">
          <span className="text-slate-600">{access.user.name ?? access.user.email}</span>
          <label className="flex items-center gap-1 text-slate-600">
            <input type="checkbox" name="microsoft" /> also sign out of Microsoft
          </label>
          <button type="submit" className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-100">
            Sign out
          </button>
        </form>
      </div>
      {children}
    </div>
  );
}
