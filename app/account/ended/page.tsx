import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { brand } from "@/lib/brand";
import { currentAccess } from "@/lib/tenants/access";
import { Notice } from "../../notice";
import { formatDate } from "@/lib/format";

export const metadata: Metadata = { title: "Your subscription has ended" };

export default async function EndedPage() {
  const decision = await currentAccess();
  if (decision.kind === "allowed") redirect("/dashboard");
  const until = decision.kind === "ended" ? decision.dataRetainedUntil : null;
  return (
    <Notice title="Your subscription has ended">
      <p>
        Your organization&apos;s subscription to {brand.productName} was cancelled, so nobody in your organization can
        use it any more.
      </p>
      <p>
        {until ? (
          <>
            Your data is kept until <strong>{formatDate(until, "long")}</strong>, then deleted.
          </>
        ) : (
          <>Your data is kept for a while, then deleted.</>
        )}{" "}
        Buy a plan again before then and you pick up where you left off; to get a copy of your data, write to{" "}
        <a href={`mailto:${brand.supportEmail}?subject=Data%20export`} className="text-brand underline">
          {brand.supportEmail}
        </a>
        .
      </p>
    </Notice>
  );
}
