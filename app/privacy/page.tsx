// The privacy statement Microsoft Entra ID links from the consent screen (the application's
// info.privacyStatementUrl, lib/entra/app-registration.ts) and AppSource asks for in the offer.
// A TEMPLATE: replace the text, and every [bracketed] placeholder, with your own statement.
import type { Metadata } from "next";
import Link from "next/link";
import { brand } from "@/lib/brand";
import { Fill, LegalHeader, SupportMail } from "../legal";

export const metadata: Metadata = { title: "Privacy statement" };

export default function PrivacyPage() {
  const { productName, vendorName } = brand;
  const mail = <SupportMail />;

  return (
    <article className="max-w-3xl space-y-8 text-slate-700">
      <LegalHeader title="Privacy statement" notA="a privacy statement" file="app/privacy/page.tsx" />

      <section className="space-y-3">
        <h2 className="text-xl font-semibold text-slate-900">Who we are</h2>
        <p>
          {vendorName} (<Fill>legal name, registered address</Fill>) provides {productName} and is responsible for the
          personal data described here. Write to us at {mail}.
        </p>
      </section>

      <section className="space-y-3">
        <h2 className="text-xl font-semibold text-slate-900">What we collect</h2>
        <p>
          You sign in with your work or school account through Microsoft Entra ID. We never see your password. From
          Microsoft we receive and keep:
        </p>
        <ul className="list-disc space-y-1 pl-6">
          <li>
            your organization&apos;s tenant ID (Entra ID&apos;s &quot;tid&quot;) and name, and its primary domain;
          </li>
          <li>your user object ID in your organization (&quot;oid&quot;);</li>
          <li>your name and e-mail address;</li>
          <li>
            when an administrator approves {productName} for the organization: that approval, when it was given and by
            whom.
          </li>
        </ul>
        <p>
          We also keep when you last signed in, your role in your organization&apos;s workspace, a record of
          administrative actions (such as making a colleague an administrator or suspending someone&apos;s access), and
          the contact details your organization&apos;s administrator enters in Settings.{" "}
          <Fill>Describe the data your product itself stores.</Fill>
        </p>
      </section>

      <section className="space-y-3">
        <h2 className="text-xl font-semibold text-slate-900">Why we use it</h2>
        <ul className="list-disc space-y-1 pl-6">
          <li>to sign you in and keep each organization&apos;s data apart from every other organization&apos;s;</li>
          <li>to run your organization&apos;s free trial and subscription;</li>
          <li>to answer your requests for support;</li>
          <li>to keep the service secure and to investigate misuse.</li>
        </ul>
        <p>
          We do not sell personal data or use it for advertising.{" "}
          <Fill>Legal basis for each purpose, if the GDPR or similar laws apply to you.</Fill>
        </p>
      </section>

      <section className="space-y-3">
        <h2 className="text-xl font-semibold text-slate-900">Where it is stored</h2>
        <p>
          In a database operated for us by <Fill>hosting provider</Fill> in <Fill>region or country</Fill>. Sign-in is
          provided by Microsoft. Other companies that process data for us: <Fill>list of subprocessors</Fill>.
        </p>
      </section>

      <section className="space-y-3">
        <h2 className="text-xl font-semibold text-slate-900">How long we keep it</h2>
        <p>
          While your organization&apos;s trial or subscription lasts, and <Fill>number</Fill> days after it ends or
          after your organization removes {productName} from Microsoft Entra ID; then we delete it.{" "}
          <Fill>Backups and legal retention periods.</Fill>
        </p>
      </section>

      <section className="space-y-3">
        <h2 className="text-xl font-semibold text-slate-900">Your rights</h2>
        <p>
          You may ask to see, correct or delete your personal data. Your organization&apos;s administrator can also ask
          us to delete all of the organization&apos;s data.{" "}
          <Fill>Rights under the laws that apply to you, and where to complain.</Fill>
        </p>
      </section>

      <section className="space-y-3">
        <h2 className="text-xl font-semibold text-slate-900">Contact</h2>
        <p>
          Questions about this statement or your data: {mail}. See also our{" "}
          <Link href="/terms" className="text-brand underline">
            terms of use
          </Link>
          .
        </p>
      </section>
    </article>
  );
}
