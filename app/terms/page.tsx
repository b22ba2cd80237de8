// The terms of use Microsoft Entra ID links from the consent screen (the application's
// info.termsOfServiceUrl, lib/entra/app-registration.ts). A TEMPLATE: replace the text, and every
// [bracketed] placeholder, with your own terms; AppSource offers may also use Microsoft's Standard
// Contract instead.
import type { Metadata } from "next";
import Link from "next/link";
import { brand } from "@/lib/brand";
import { config } from "@/lib/config";
import { Fill, LegalHeader, SupportMail } from "../legal";

export const metadata: Metadata = { title: "Terms of use" };

export default function TermsPage() {
  const { productName, vendorName } = brand;
  const days = config().trial.days;
  const mail = <SupportMail />;

  return (
    <article className="max-w-3xl space-y-8 text-slate-700">
      <LegalHeader title="Terms of use" notA="a contract" file="app/terms/page.tsx" />

      <section className="space-y-3">
        <h2 className="text-xl font-semibold text-slate-900">The service</h2>
        <p>
          These terms are an agreement between {vendorName} (<Fill>legal name, registered address</Fill>) and the
          organization whose work or school account is used to sign in to {productName}. Each person who signs in
          accepts them for their own use; an administrator who approves {productName} for the whole organization accepts
          them for the organization.
        </p>
      </section>

      <section className="space-y-3">
        <h2 className="text-xl font-semibold text-slate-900">Free trial</h2>
        <p>
          Each organization may try {productName} free for {days} days, without a credit card. When the trial ends,
          access stops until the organization subscribes; its data is kept for <Fill>number</Fill> days and then
          deleted. During the trial the service is provided as it is, without any commitment on availability.
        </p>
      </section>

      <section className="space-y-3">
        <h2 className="text-xl font-semibold text-slate-900">
          Subscription through the Microsoft commercial marketplace
        </h2>
        <p>
          Paid subscriptions are bought through Microsoft AppSource and billed by Microsoft, under Microsoft&apos;s
          terms for marketplace purchases. Plans and prices are those of the offer in the marketplace. An organization
          changes or cancels its subscription where it bought it, in the Microsoft 365 admin center or the Azure portal.{" "}
          <Fill>Renewal, refunds, price changes.</Fill>
        </p>
      </section>

      <section className="space-y-3">
        <h2 className="text-xl font-semibold text-slate-900">Acceptable use</h2>
        <p>You agree not to:</p>
        <ul className="list-disc space-y-1 pl-6">
          <li>break the law, or infringe anyone&apos;s rights, with {productName};</li>
          <li>try to reach another organization&apos;s data, or to get around the limits of your account;</li>
          <li>disrupt, overload or probe the service without our written permission;</li>
          <li>resell the service, or share accounts with people outside your organization.</li>
        </ul>
        <p>We may suspend access that breaks these rules, and will tell your organization&apos;s administrator why.</p>
      </section>

      <section className="space-y-3">
        <h2 className="text-xl font-semibold text-slate-900">Your data</h2>
        <p>
          Your organization&apos;s data remains your organization&apos;s. We use it only to provide {productName}, as
          our{" "}
          <Link href="/privacy" className="text-brand underline">
            privacy statement
          </Link>{" "}
          describes.
        </p>
      </section>

      <section className="space-y-3">
        <h2 className="text-xl font-semibold text-slate-900">Liability</h2>
        <p>
          <Fill>
            Warranty disclaimer and limitation of liability: to be written by your lawyer for the laws that apply.
          </Fill>
        </p>
      </section>

      <section className="space-y-3">
        <h2 className="text-xl font-semibold text-slate-900">Changes and governing law</h2>
        <p>
          We will tell organizations about material changes to these terms <Fill>number</Fill> days before they take
          effect. These terms are governed by the laws of <Fill>country or state</Fill>.
        </p>
      </section>

      <section className="space-y-3">
        <h2 className="text-xl font-semibold text-slate-900">Contact</h2>
        <p>Questions about these terms: {mail}.</p>
      </section>
    </article>
  );
}
