import { redirect } from "next/navigation";
import { signIn } from "@/lib/auth/auth";
import { endSessionBeforeSignIn } from "@/lib/auth/sign-out";
import { readProgress } from "@/lib/tenants/admin-signup-http";

export const dynamic = "force-dynamic";

/**
 * The administrator signs in (proof 3), pointed at their tenant by domain_hint. No forced account
 * picker: they picked their account on the admin consent page a moment ago, and Microsoft signs in
 * that account again from its own session. The picker was never the safeguard: whoever signs in,
 * lib/auth/auth.ts has judgeAdminSignIn (lib/tenants/admin-signup.ts) compare the ID token's
 * `tid` with the consenting tenant and look for a consent-admin role in `wids`, and
 * /signup/complete requires that same (tid, oid) in the session before anything is recorded.
 */
export async function GET(): Promise<Response> {
  const progress = await readProgress();
  if (progress?.stage !== "admin-sign-in") redirect("/signup/refused?reason=state");
  await endSessionBeforeSignIn();
  await signIn("microsoft-entra-id", { redirectTo: "/signup/complete" }, { domain_hint: progress.tenant });
  return new Response(null, { status: 500 }); // signIn() redirects; never reached
}
