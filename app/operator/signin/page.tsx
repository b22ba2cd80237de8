import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { brand } from "@/lib/brand";
import { currentOperator } from "@/lib/operators/access";

export const metadata: Metadata = { title: "Operator console: sign in" };

/** Why a sign-in was refused, in words for the person; only these codes, whatever the URL says. */
const REFUSALS: Record<string, string> = {
  "not-publisher": `The operator console is for ${brand.vendorName}'s own staff: sign in with your ${brand.vendorName} work account. A customer organization's administrators manage their workspace from the app itself.`,
  "no-role": `Your account is not an operator of ${brand.productName}. An administrator of ${brand.vendorName}'s Microsoft Entra ID can assign you the Operator (or Operator.Read) role on the app's enterprise application; then sign in again.`,
  off: "The operator console is not configured on this server (OPERATOR_TENANT_ID).",
};

export default async function OperatorSignInPage({
  searchParams,
}: {
  searchParams: Promise<{ refused?: string; console?: string; "signed-out"?: string }>;
}) {
  const decision = await currentOperator();
  if (decision.kind === "allowed") redirect("/operator");
  const params = await searchParams;
  const refused =
    decision.kind === "off" ? "off" : Object.hasOwn(REFUSALS, params.refused ?? "") ? params.refused! : null;
  return (
    <section className="max-w-2xl space-y-4">
      <h1 className="text-3xl font-semibold text-brand-dark">Operator console</h1>
      <p className="text-slate-700">
        Where {brand.vendorName}&apos;s staff see and run every tenant of {brand.productName}. Sign in with your{" "}
        {brand.vendorName} work account; your Operator role is read from Microsoft Entra ID at each sign-in, and the
        console asks you to sign in again after a while.
      </p>
      {refused ? (
        <p role="alert" className="rounded border border-amber-400 bg-amber-50 px-4 py-2">
          {REFUSALS[refused]}
        </p>
      ) : null}
      {params["signed-out"] ? (
        <p role="status" className="rounded border border-brand/30 bg-brand/5 px-4 py-2">
          You are signed out of the console.
        </p>
      ) : null}
      {decision.kind !== "off" ? (
        <p>
          <a
            href="/operator/signin/start"
            className="inline-block rounded bg-brand px-4 py-2 font-medium text-white hover:bg-brand-dark"
          >
            Sign in with Microsoft
          </a>
        </p>
      ) : null}
    </section>
  );
}
