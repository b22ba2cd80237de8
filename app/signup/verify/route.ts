import { redirect } from "next/navigation";
import { signIn } from "@/lib/auth/auth";
import { endSessionBeforeSignIn } from "@/lib/auth/sign-out";
import { readProgress } from "@/lib/tenants/admin-signup-http";

export const dynamic = "force-dynamic";

/** The administrator signs in, pointed at their tenant; lib/auth/auth.ts checks tid and role. */
export async function GET(): Promise<Response> {
  const progress = await readProgress();
  if (progress?.stage !== "admin-sign-in") redirect("/signup/refused?reason=state");
  await endSessionBeforeSignIn();
  await signIn(
    "microsoft-entra-id",
    { redirectTo: "/signup/complete" },
    { prompt: "select_account", domain_hint: progress.tenant },
  );
  return new Response(null, { status: 500 }); // signIn() redirects; never reached
}
