import { redirect } from "next/navigation";
import { authorityMetadata } from "@/lib/entra/authority";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { newState, rememberState } from "@/lib/tenants/admin-signup";
import { ADMIN_CONSENT_CALLBACK_PATH } from "@/lib/entra/app-registration";
import { appOrigin } from "@/lib/public-url";
import { writeProgress } from "@/lib/tenants/admin-signup-http";
import { answerUnavailable } from "@/lib/db/outage-redirect";

export const dynamic = "force-dynamic";

/**
 * "Sign up your organization (admin)": to Entra's admin consent endpoint, with a state bound to
 * this browser by a signed, short-lived, HttpOnly cookie, and remembered on the server for one use.
 */
async function startSignup(request: Request): Promise<Response> {
  const state = newState();
  await rememberState(await db(), state);
  await writeProgress({ stage: "consent", state });
  // Entra serves admin consent beside its authorize endpoint: <authority>/organizations/v2.0/adminconsent.
  const { authorization_endpoint } = await authorityMetadata("organizations");
  const target = new URL(authorization_endpoint.replace(/\/oauth2\/v2\.0\/authorize$/, "/v2.0/adminconsent"));
  target.search = new URLSearchParams({
    client_id: config().entra.clientId,
    redirect_uri: `${appOrigin(request)}${ADMIN_CONSENT_CALLBACK_PATH}`,
    scope: "https://graph.microsoft.com/.default",
    state,
  }).toString();
  redirect(target.toString());
}

// The database unreachable: the "temporarily unavailable" page (503), the sign-up to start again.
export const GET = (request: Request) => answerUnavailable(() => startSignup(request), { path: "/signup" });
