import type { Metadata } from "next";
import { requireTenantAccess } from "@/lib/tenants/access";
import { organizationName } from "@/lib/tenants/gate";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const access = await requireTenantAccess();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold text-brand-dark">Settings</h1>
      <section className="space-y-1 rounded border border-slate-200 bg-white p-4">
        <h2 className="text-lg font-semibold">Organization</h2>
        <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="text-slate-500">Name</dt>
          <dd className="break-words">{organizationName(access)}</dd>
          <dt className="text-slate-500">Domain</dt>
          <dd className="break-all">{access.tenant.domain ?? "—"}</dd>
          <dt className="text-slate-500">Tenant ID</dt>
          <dd className="break-all">{access.tenantId}</dd>
        </dl>
        <p className="pt-2 text-sm text-slate-600">
          The name and domain come from your organization&apos;s Microsoft Entra directory.
        </p>
      </section>
    </div>
  );
}
