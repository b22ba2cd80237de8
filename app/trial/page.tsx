import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentAccess } from "@/lib/tenants/access";
import { pageFor } from "@/lib/tenants/gate";
import { signupSourceFrom } from "@/lib/tenants/signup-source";
import { MicrosoftSignInLink } from "../microsoft-sign-in-button";

export const metadata: Metadata = { title: "Start your free trial" };

// The AppSource "Free trial" landing URL. It starts the sign-in at once: a zero-second refresh,
// which needs no JavaScript; the text and the button are for browsers that do not follow it.
export default async function TrialLandingPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const decision = await currentAccess();
  if (decision.kind === "allowed") redirect("/dashboard");
  if (decision.kind !== "signed-out") redirect(pageFor(decision));

  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(await searchParams)) {
    if (typeof value === "string") query.set(name, value);
  }
  const start = `/trial/start?${new URLSearchParams(signupSourceFrom(query))}`;

  return (
    <section className="max-w-2xl space-y-4">
      <meta httpEquiv="refresh" content={`0;url=${start}`} />
      <h1 className="text-3xl font-semibold text-brand-dark">Starting your free trial…</h1>
      <p className="text-slate-700">
        We are taking you to Microsoft to sign in with your work or school account. Your organization&apos;s trial
        starts as soon as you are back: nothing to install, no credit card.
      </p>
      <p className="text-slate-700">If nothing happens in a few seconds, continue here:</p>
      <MicrosoftSignInLink href={start} />
      <p className="text-sm text-slate-500">Signing in needs cookies to be allowed for this site.</p>
    </section>
  );
}
