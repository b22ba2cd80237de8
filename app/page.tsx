import Link from "next/link";
import { brand } from "@/lib/brand";
import { config } from "@/lib/config";
import { currentAccess } from "@/lib/tenants/access";
import { MicrosoftSignInLink } from "./microsoft-sign-in-button";

export default async function HomePage() {
  const decision = await currentAccess();
  const { entra, trial, marketplaceEmulatorUrl } = config();

  return (
    <div className="space-y-12">
      {decision.kind === "allowed" ? (
        <section className="space-y-6">
          <h1 className="text-3xl font-bold tracking-tight break-words text-brand-dark sm:text-4xl">
            Welcome back to {brand.productName}
          </h1>
          <p className="max-w-2xl text-lg text-slate-700">You are signed in with your work account.</p>
          <Link
            href="/dashboard"
            className="inline-block rounded bg-brand px-4 py-2 font-medium text-white hover:bg-brand-dark"
          >
            Go to your workspace
          </Link>
        </section>
      ) : (
        <>
          <TrialHero days={trial.days} />
          <HowItWorks days={trial.days} />
        </>
      )}
      {entra.emulated ? (
        <p className="max-w-2xl rounded border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          Development mode: sign-in goes to the <strong>local Microsoft Entra ID emulator</strong>, with demo accounts
          of made-up organizations. Set the <code>AUTH_MICROSOFT_ENTRA_ID_*</code> variables to use Microsoft Entra ID.
        </p>
      ) : null}
      {marketplaceEmulatorUrl ? (
        <p className="max-w-2xl rounded border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          Try the transactable offer:{" "}
          <a href={marketplaceEmulatorUrl} className="font-medium underline">
            Buy a plan (local marketplace)
          </a>
          . It sends you to this app&apos;s landing page as Microsoft&apos;s marketplace does.
        </p>
      ) : null}
    </div>
  );
}

/** The signed-out visitor's first screen: the offer, then one primary action (Microsoft's button). */
function TrialHero({ days }: { days: number }) {
  return (
    <section className="space-y-6">
      <p className="text-sm font-semibold tracking-wide text-brand uppercase">Free trial</p>
      <h1 className="max-w-3xl text-4xl font-bold tracking-tight text-balance break-words text-brand-dark sm:text-5xl">
        Try {brand.productName} free for {days} days
      </h1>
      <p className="max-w-2xl text-lg text-slate-700">
        No credit card, nothing to install: sign in with the Microsoft account you use at work, and your
        organization&apos;s trial begins.
      </p>
      <div className="flex flex-col items-start gap-4 sm:flex-row sm:items-center sm:gap-6">
        {/* Microsoft's button, as its identity branding guidelines draw it: not restyled here. */}
        <MicrosoftSignInLink href="/trial" />
        {/* A plain link: /signup answers with a redirect and a cookie, nothing to prefetch. */}
        <a href="/signup" className="text-sm font-medium text-brand underline underline-offset-4 hover:text-brand-dark">
          IT admin? Approve for your whole organization
        </a>
      </div>
      <p className="max-w-2xl text-sm text-slate-600">
        Any Microsoft work or school account. Your organization&apos;s data stays in your organization&apos;s own space.
      </p>
    </section>
  );
}

function HowItWorks({ days }: { days: number }) {
  const steps = [
    {
      title: "Sign in with your work account",
      text: "Use the Microsoft account you already have for work. No new password, no form to fill in.",
    },
    {
      title: "Your organization gets its own space",
      text: "Colleagues who sign in with the same organization join it. Data is never shared between organizations.",
    },
    {
      title: `${days} days free, then choose a plan`,
      text: "Nothing to pay and no card to enter during the trial. Keep your data when you upgrade.",
    },
  ];
  return (
    <section aria-labelledby="how-it-works" className="space-y-4">
      <h2 id="how-it-works" className="text-xl font-semibold text-slate-900">
        How it works
      </h2>
      <ol className="grid gap-4 md:grid-cols-3">
        {steps.map((step, index) => (
          <li key={step.title} className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
            <span
              aria-hidden="true"
              className="flex size-8 items-center justify-center rounded-full bg-brand/10 text-sm font-semibold text-brand-dark"
            >
              {index + 1}
            </span>
            <h3 className="mt-3 font-semibold text-slate-900">{step.title}</h3>
            <p className="mt-1 text-sm text-slate-600">{step.text}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}
