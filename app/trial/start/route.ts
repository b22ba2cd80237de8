import { signIn } from "@/lib/auth/auth";
import { endSessionBeforeSignIn } from "@/lib/auth/sign-out";
import { signupSourceFrom } from "@/lib/tenants/signup-source";
import { writeSignupSource } from "@/lib/tenants/signup-source-http";

export const dynamic = "force-dynamic";

/** Starts the sign-in at the multi-tenant authority, with state, PKCE and nonce (lib/auth/auth.ts). */
export async function GET(request: Request): Promise<Response> {
  const params = new URL(request.url).searchParams;
  const source = signupSourceFrom(params);
  if (Object.keys(source).length) await writeSignupSource(source);
  // "Use another account" asks Microsoft for the account picker; the organization sign-up asks
  // for the permission screen, where administrators can consent for everyone.
  const requested = params.get("prompt");
  const prompt = requested === "select_account" || requested === "consent" ? { prompt: requested } : undefined;
  await endSessionBeforeSignIn();
  await signIn("microsoft-entra-id", { redirectTo: "/dashboard" }, prompt);
  return new Response(null, { status: 500 }); // signIn() redirects; never reached
}
