import { signIn } from "@/lib/auth/auth";
import { endSessionBeforeSignIn } from "@/lib/auth/sign-out";
import { purchaseToken } from "@/lib/marketplace/landing";

export const dynamic = "force-dynamic";

/**
 * The landing page's sign-in: the same Entra sign-in as the trial (lib/auth/auth.ts), back to the
 * landing page with its token. "Use another account" asks Microsoft for the account picker.
 */
export async function GET(request: Request): Promise<Response> {
  const params = new URL(request.url).searchParams;
  const token = purchaseToken(params.get("token") ?? undefined);
  const back = token ? `/marketplace?token=${encodeURIComponent(token)}` : "/marketplace";
  await endSessionBeforeSignIn();
  await signIn(
    "microsoft-entra-id",
    { redirectTo: back },
    params.get("prompt") === "select_account" ? { prompt: "select_account" } : undefined,
  );
  return new Response(null, { status: 500 }); // signIn() redirects; never reached
}
