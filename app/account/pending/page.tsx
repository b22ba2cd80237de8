import type { Metadata } from "next";
import { brand } from "@/lib/brand";
import { Notice } from "../../notice";

export const metadata: Metadata = { title: "Setting up your environment" };

export default function PendingPage() {
  return (
    <Notice title="We are setting up your environment">
      <p>
        Thank you for your interest in {brand.productName}. {brand.vendorName} will contact you shortly to set up your
        organization&apos;s trial, and you will be able to sign in here as soon as it starts.
      </p>
      <p>
        Questions in the meantime:{" "}
        <a href={`mailto:${brand.supportEmail}`} className="text-brand underline">
          {brand.supportEmail}
        </a>
      </p>
    </Notice>
  );
}
