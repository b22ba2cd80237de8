import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { brand } from "@/lib/brand";
import { config } from "@/lib/config";
import { currentAccess } from "@/lib/tenants/access";
import { Notice } from "../../notice";
import { formatDate } from "@/lib/format";

export const metadata: Metadata = { title: "Your trial has ended" };

export default async function TrialExpiredPage() {
  const decision = await currentAccess();
  if (decision.kind === "allowed") redirect("/dashboard");
  const ended = decision.kind === "trial-expired" ? decision.trialEndsAt : null;
  const contact = config().trial.salesContactUrl ?? `mailto:${brand.supportEmail}?subject=Upgrade`;
  return (
    <Notice title="Your free trial has ended">
      <p>
        Your organization&apos;s trial of {brand.productName}
        {ended ? <> ended on {formatDate(ended, "long")}</> : " has ended"}. Your data is kept: upgrade to pick up where
        you left off.
      </p>
      <p>
        <a href={contact} className="inline-block rounded bg-brand px-4 py-2 font-medium text-white">
          Contact sales to upgrade
        </a>
      </p>
    </Notice>
  );
}
