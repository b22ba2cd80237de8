import type { Metadata } from "next";
import { brand } from "@/lib/brand";
import { config } from "@/lib/config";
import { requireTenantAccess } from "@/lib/tenants/access";
import { TrialBanner } from "../trial-banner";

export const metadata: Metadata = { title: "Plan" };

export default async function PlanPage() {
  const access = await requireTenantAccess();
  const admin = access.user.role === "ADMIN";
  const upgrade = config().trial.salesContactUrl ?? `mailto:${brand.supportEmail}?subject=Upgrade`;

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold text-brand-dark">Plan</h1>
      {access.tenant.status === "TRIAL" ? (
        <>
          <TrialBanner access={access} />
          <section className="space-y-2">
            <h2 className="text-xl font-semibold">When the trial ends</h2>
            <p className="text-slate-700">
              Your organization&apos;s people can no longer open {brand.productName}, and your data is kept. Choose a
              plan to keep going without interruption.
            </p>
          </section>
        </>
      ) : (
        <p className="text-slate-700">Your organization has a paid subscription to {brand.productName}.</p>
      )}
      <section className="space-y-2">
        <h2 className="text-xl font-semibold">Upgrade</h2>
        {admin ? (
          <a
            href={upgrade}
            className="inline-block rounded bg-brand px-4 py-2 text-sm font-medium text-white hover:bg-brand-dark"
          >
            Choose a plan
          </a>
        ) : (
          <p className="text-slate-700">Ask your organization&apos;s admin for {brand.productName} to choose a plan.</p>
        )}
      </section>
    </div>
  );
}
