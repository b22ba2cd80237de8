import type { Metadata } from "next";
import { brand } from "@/lib/brand";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { subscriptionsOf, usageThisTerm } from "@/lib/marketplace/subscriptions";
import { requireTenantAccess } from "@/lib/tenants/access";
import { TrialBanner } from "../trial-banner";
import { formatCount, formatDate } from "@/lib/format";

export const metadata: Metadata = { title: "Plan" };

const STATUS: Record<string, string> = {
  PENDING_FULFILLMENT_START: "Waiting for activation",
  SUBSCRIBED: "Active",
  SUSPENDED: "Suspended: payment needs attention",
  UNSUBSCRIBED: "Cancelled",
};

const TERM: Record<string, string> = {
  P1M: "monthly",
  P1Y: "yearly",
  P2Y: "every two years",
  P3Y: "every three years",
};

export default async function PlanPage({ searchParams }: { searchParams: Promise<{ subscription?: string }> }) {
  const access = await requireTenantAccess();
  const prisma = await db();
  const subscriptions = await subscriptionsOf(prisma, access);
  const usage = await Promise.all(
    subscriptions.map((subscription) =>
      subscription.status === "SUBSCRIBED" ? usageThisTerm(prisma, access, subscription) : [],
    ),
  );
  const justActivated = (await searchParams).subscription === "activated";
  const admin = access.user.role === "ADMIN";
  const upgrade = config().trial.salesContactUrl ?? `mailto:${brand.supportEmail}?subject=Upgrade`;

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold text-brand-dark">Plan</h1>
      {justActivated ? (
        <p role="status" className="rounded border border-green-300 bg-green-50 px-3 py-2 text-sm text-green-900">
          Your subscription is active. Thank you!
        </p>
      ) : null}
      {subscriptions.length ? (
        <section className="space-y-2">
          <h2 className="text-xl font-semibold">Subscription</h2>
          <ul className="space-y-2">
            {subscriptions.map((subscription, index) => (
              <li key={subscription.id} className="rounded border border-slate-200 bg-white p-4 text-sm">
                <p className="text-base font-medium">
                  {subscription.planId}
                  {subscription.quantity ? ` · ${subscription.quantity} seats` : ""}
                </p>
                <p className="text-slate-700">
                  {STATUS[subscription.status] ?? subscription.status}
                  {subscription.termUnit ? ` · billed ${TERM[subscription.termUnit] ?? subscription.termUnit}` : ""}
                  {subscription.termEndsAt
                    ? ` · ${subscription.autoRenew === false ? "ends" : "renews"} on ${formatDate(subscription.termEndsAt, "long")}`
                    : ""}
                </p>
                <p className="text-slate-500">Bought through Microsoft&apos;s marketplace ({subscription.offerId}).</p>
                {usage[index]!.length ? (
                  <table className="mt-2 text-left">
                    <caption className="text-left text-slate-600">Usage this term</caption>
                    <thead>
                      <tr className="text-slate-500">
                        <th scope="col" className="pr-4 font-medium">
                          Measured
                        </th>
                        <th scope="col" className="pr-4 font-medium">
                          Used
                        </th>
                        <th scope="col" className="font-medium">
                          Included
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {usage[index]!.map((row) => (
                        <tr key={row.dimension}>
                          <td className="pr-4">{row.dimension}</td>
                          <td className="pr-4">{formatCount(row.used)}</td>
                          <td>{formatCount(row.included)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : null}
              </li>
            ))}
          </ul>
          {admin ? (
            <p className="text-sm text-slate-600">
              Change the plan or the number of seats, or cancel, where you bought it: in the Azure portal or the
              Microsoft 365 admin center, under your SaaS subscriptions.
            </p>
          ) : null}
        </section>
      ) : null}
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
      {subscriptions.length ? null : (
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
            <p className="text-slate-700">
              Ask your organization&apos;s admin for {brand.productName} to choose a plan.
            </p>
          )}
        </section>
      )}
    </div>
  );
}
