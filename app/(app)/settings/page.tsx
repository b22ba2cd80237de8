import type { Metadata } from "next";
import { db } from "@/lib/db/client";
import { requireTenantAccess } from "@/lib/tenants/access";
import { readOrganizationSettings } from "@/lib/tenants/settings";
import { SettingsForm } from "./settings-form";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const access = await requireTenantAccess();
  const settings = await readOrganizationSettings(await db(), access);
  const admin = access.user.role === "ADMIN";
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold text-brand-dark">Settings</h1>
      {admin ? (
        <SettingsForm settings={settings} />
      ) : (
        <section className="space-y-3 rounded border border-slate-200 bg-white p-4">
          <h2 className="text-lg font-semibold">Organization</h2>
          <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
            <dt className="text-slate-500">Name</dt>
            <dd className="break-words">{settings.displayName || "—"}</dd>
            <dt className="text-slate-500">Contact person</dt>
            <dd className="break-words">
              {settings.contactOnFile ? `${settings.contactName} · ${settings.contactEmail}` : "Not set yet"}
            </dd>
          </dl>
          <p className="text-sm text-slate-600">Only your organization&apos;s admins can change these settings.</p>
        </section>
      )}
      <section className="space-y-1 rounded border border-slate-200 bg-white p-4">
        <h2 className="text-lg font-semibold">Directory</h2>
        <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="text-slate-500">Domain</dt>
          <dd className="break-all">{settings.domain ?? "—"}</dd>
          <dt className="text-slate-500">Tenant ID</dt>
          <dd className="break-all">{access.tenantId}</dd>
        </dl>
        <p className="pt-2 text-sm text-slate-600">
          These come from your organization&apos;s Microsoft Entra directory. Quote the tenant ID when you contact
          support.
        </p>
      </section>
    </div>
  );
}
