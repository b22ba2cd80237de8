import type { Metadata } from "next";
import { brand } from "@/lib/brand";
import { Notice } from "../../notice";

export const metadata: Metadata = { title: "Access suspended" };

const support = (
  <a href={`mailto:${brand.supportEmail}`} className="text-brand underline">
    {brand.supportEmail}
  </a>
);

export default async function SuspendedPage({
  searchParams,
}: {
  searchParams: Promise<{ who?: string; why?: string }>;
}) {
  const { who, why } = await searchParams;
  // The marketplace suspended the subscription: a payment problem the organization's admin solves.
  if (why === "billing" && who !== "user") {
    return (
      <Notice title="Your subscription is suspended">
        <p>
          Microsoft suspended your organization&apos;s subscription to {brand.productName}, usually because a payment
          did not go through. Your data has not been deleted, and access comes back as soon as the subscription is
          reinstated.
        </p>
        <p>
          Your organization&apos;s administrator (or whoever manages your Microsoft billing) should check the payment
          method and invoices in the Microsoft 365 admin center (Billing) or the Azure portal (SaaS subscriptions).
        </p>
        <p>Questions: {support}.</p>
      </Notice>
    );
  }
  const user = who === "user";
  return (
    <Notice title="Access suspended">
      <p>
        {user
          ? `Your access to ${brand.productName} has been suspended.`
          : `Your organization's access to ${brand.productName} has been suspended.`}{" "}
        Your data has not been deleted.
      </p>
      <p>To find out why or to restore access, contact {support}.</p>
    </Notice>
  );
}
