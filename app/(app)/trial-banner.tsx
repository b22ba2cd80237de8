// "N days left in your trial", more urgent in the last days, with the way to the Plan page.
import Link from "next/link";
import { trialDaysLeft, type TenantAccess } from "@/lib/tenants/gate";
import { formatDate } from "@/lib/format";

/** From this many days left, the banner turns urgent. */
export const URGENT_DAYS = 5;

export function TrialBanner({ access }: { access: TenantAccess }) {
  if (access.tenant.status !== "TRIAL") return null;
  const daysLeft = trialDaysLeft(access.tenant.trialEndsAt);
  const urgent = daysLeft <= URGENT_DAYS;
  return (
    <div
      role="status"
      className={`flex flex-wrap items-center justify-between gap-3 rounded border px-4 py-3 ${
        urgent ? "border-amber-400 bg-amber-50" : "border-brand/30 bg-brand/5"
      }`}
    >
      <p>
        <strong>
          {daysLeft} {daysLeft === 1 ? "day" : "days"} left in your trial
        </strong>{" "}
        (until {access.tenant.trialEndsAt && formatDate(access.tenant.trialEndsAt, "long")}).
      </p>
      <Link href="/plan" className="rounded bg-brand px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-dark">
        See plans
      </Link>
    </div>
  );
}
