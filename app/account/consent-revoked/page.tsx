import type { Metadata } from "next";
import Link from "next/link";
import { brand } from "@/lib/brand";
import { Notice } from "../../notice";

export const metadata: Metadata = { title: "Your administrator needs to sign up again" };

export default function ConsentRevokedPage() {
  return (
    <Notice title="Your administrator needs to sign up again">
      <p>
        {brand.productName} was removed from your organization&apos;s Microsoft Entra ID (its enterprise application was
        deleted, or consent was withdrawn), so it can no longer work for your organization. Your data has not been
        deleted.
      </p>
      <p>
        An administrator can restore access in a minute:{" "}
        <Link href="/signup" className="text-brand underline">
          sign up your organization
        </Link>
        .
      </p>
    </Notice>
  );
}
