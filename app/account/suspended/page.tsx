import type { Metadata } from "next";
import { brand } from "@/lib/brand";
import { Notice } from "../../notice";

export const metadata: Metadata = { title: "Access suspended" };

export default async function SuspendedPage({ searchParams }: { searchParams: Promise<{ who?: string }> }) {
  const user = (await searchParams).who === "user";
  return (
    <Notice title="Access suspended">
      <p>
        {user
          ? `Your access to ${brand.productName} has been suspended.`
          : `Your organization's access to ${brand.productName} has been suspended.`}{" "}
        Your data has not been deleted.
      </p>
      <p>
        To find out why or to restore access, contact{" "}
        <a href={`mailto:${brand.supportEmail}`} className="text-brand underline">
          {brand.supportEmail}
        </a>
        .
      </p>
    </Notice>
  );
}
