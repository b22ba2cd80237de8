import type { Metadata } from "next";
import { brand } from "@/lib/brand";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { requireTenantAccess } from "@/lib/tenants/access";
import { trialDaysLeft } from "@/lib/tenants/gate";
import { listTenantUsers } from "@/lib/tenants/queries";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  // Asked again where the data is read (the layout and the proxy asked before).
  const access = await requireTenantAccess();
  const users = await listTenantUsers(await db(), access);
  const daysLeft = trialDaysLeft(access.tenant.trialEndsAt);
  const contact = config().trial.salesContactUrl ?? `mailto:${brand.supportEmail}`;

  return (
    <div className="space-y-8">
      {access.tenant.status === "TRIAL" ? (
        <div
          role="status"
          className="flex flex-wrap items-center justify-between gap-3 rounded border border-brand/30 bg-brand/5 px-4 py-3"
        >
          <p>
            <strong>
              {daysLeft} {daysLeft === 1 ? "day" : "days"} left in your trial
            </strong>{" "}
            (until {access.tenant.trialEndsAt?.toLocaleDateString("en", { dateStyle: "long" })}).
          </p>
          <a href={contact} className="rounded bg-brand px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-dark">
            Upgrade
          </a>
        </div>
      ) : null}

      <section className="grid gap-4 sm:grid-cols-2">
        <div className="rounded border border-slate-200 bg-white p-4">
          <h2 className="text-sm font-medium text-slate-500">Organization</h2>
          <p className="text-lg font-semibold">{access.tenant.name ?? access.tenant.domain ?? "Your organization"}</p>
          <p className="text-slate-600">{access.tenant.domain ?? ""}</p>
          <p className="mt-2 text-xs text-slate-500">Tenant ID {access.tenantId}</p>
        </div>
        <div className="rounded border border-slate-200 bg-white p-4">
          <h2 className="text-sm font-medium text-slate-500">You</h2>
          <p className="text-lg font-semibold">{access.user.name}</p>
          <p className="text-slate-600">{access.user.email}</p>
        </div>
      </section>

      <section>
        <h2 className="mb-2 text-xl font-semibold">People in your organization using {brand.productName}</h2>
        <table className="w-full border-collapse bg-white text-left text-sm">
          <thead>
            <tr className="border-b border-slate-200 text-slate-500">
              <th className="p-2">Name</th>
              <th className="p-2">E-mail</th>
              <th className="p-2">Role</th>
              <th className="p-2">Last sign-in</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id} className="border-b border-slate-100">
                <td className="p-2">{user.displayName}</td>
                <td className="p-2">{user.email}</td>
                <td className="p-2">{user.role === "ADMIN" ? "Admin" : "Member"}</td>
                <td className="p-2">
                  {user.lastSignInAt?.toLocaleString("en", { dateStyle: "medium", timeStyle: "short" })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
