import { signIn } from "@/lib/auth/auth";
import { markOperatorSignIn } from "@/lib/operators/sign-in";

export const dynamic = "force-dynamic";

/** Starts the console's sign-in: Microsoft's account picker, then the operator gate (lib/operators/). */
export async function GET(): Promise<Response> {
  await markOperatorSignIn();
  await signIn("microsoft-entra-id", { redirectTo: "/operator" }, { prompt: "select_account" });
  return new Response(null, { status: 500 }); // signIn() redirects; never reached
}
