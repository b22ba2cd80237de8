import Link from "next/link";
import { brand } from "@/lib/brand";
import { config } from "@/lib/config";
import { currentAccess } from "@/lib/tenants/access";
import { AdminSignUpLink } from "./admin-signup-link";
import { MicrosoftSignInLink } from "./microsoft-sign-in-button";

export default async function HomePage() {
  const decision = await currentAccess();
  const { entra } = config();

  return (
    <section className="space-y-6">
      <h1 className="text-4xl font-bold tracking-tight text-brand-dark">{brand.productName}</h1>
      <p className="max-w-2xl text-lg text-slate-700">
        Try it with your work account: one click from Microsoft AppSource, no credit card, no setup. Your
        organization&apos;s data stays in your organization&apos;s own space.
      </p>
      {decision.kind === "allowed" ? (
        <Link href="/dashboard" className="inline-block rounded bg-brand px-4 py-2 font-medium text-white">
          Go to your dashboard
        </Link>
      ) : (
        <div className="space-y-3">
          <h2 className="text-xl font-semibold">Start your free trial</h2>
          <MicrosoftSignInLink href="/trial" />
          <p className="text-sm text-slate-600">Any work or school account.</p>
          <p>
            <AdminSignUpLink />
          </p>
        </div>
      )}
      {entra.emulated ? (
        <p className="max-w-2xl rounded border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          Development mode: sign-in goes to the <strong>local Microsoft Entra ID emulator</strong>, with demo accounts
          of made-up organizations. Set the <code>AUTH_MICROSOFT_ENTRA_ID_*</code> variables to use Microsoft Entra ID.
        </p>
      ) : null}
    </section>
  );
}
