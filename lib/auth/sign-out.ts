// Where "Sign out of Microsoft too" sends the browser: the authority's end_session_endpoint,
// read from its discovery document, with a return to the app's home page.
import { cookies } from "next/headers";
import { config } from "../config";
import { fetchWithDeadline } from "../deadline";
import { db } from "../db/client";
import { hashSessionToken, sessionCookie } from "./session";

/**
 * Before a new sign-in (another account, the admin sign-up's administrator): this browser's
 * current session ends on the server. A new account must never meet the old one's session;
 * Auth.js would refuse the mix (OAuthAccountNotLinked) and leave the person stuck.
 */
export async function endSessionBeforeSignIn(): Promise<void> {
  const jar = await cookies();
  const { name, secure } = sessionCookie();
  const token = jar.get(name)?.value;
  if (!token) return;
  await (await db()).session.deleteMany({ where: { id: hashSessionToken(token) } });
  jar.set(name, "", { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: 0 });
}

let endSessionEndpoint: Promise<string | undefined> | undefined;

export async function microsoftSignOutUrl(appUrl: string): Promise<string | undefined> {
  endSessionEndpoint ??= fetchWithDeadline(
    `${config().entra.issuer}/.well-known/openid-configuration`,
    undefined,
    config().entra.lookupTimeoutMs,
  )
    .then(async (response) => {
      const document = response.ok ? ((await response.json()) as { end_session_endpoint?: unknown }) : {};
      if (typeof document.end_session_endpoint !== "string") throw new Error("no end_session_endpoint");
      return document.end_session_endpoint;
    })
    .catch(() => {
      // Only an endpoint found is kept: a failed discovery (an error page, no answer) is asked again next time.
      endSessionEndpoint = undefined;
      return undefined;
    });
  const endpoint = await endSessionEndpoint;
  if (!endpoint) return undefined;
  const url = new URL(endpoint);
  url.searchParams.set("post_logout_redirect_uri", `${appUrl}/`);
  return url.toString();
}
