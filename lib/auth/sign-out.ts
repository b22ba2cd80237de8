// Where "Sign out of Microsoft too" sends the browser: the authority's end_session_endpoint,
// read from its discovery document, with a return to the app's home page.
import { config } from "../config";

let endSessionEndpoint: Promise<string | undefined> | undefined;

export async function microsoftSignOutUrl(appUrl: string): Promise<string | undefined> {
  endSessionEndpoint ??= fetch(`${config().entra.issuer}/.well-known/openid-configuration`, {
    signal: AbortSignal.timeout(5_000),
  })
    .then(async (response) => ((await response.json()) as { end_session_endpoint?: string }).end_session_endpoint)
    .catch(() => {
      endSessionEndpoint = undefined;
      return undefined;
    });
  const endpoint = await endSessionEndpoint;
  if (!endpoint) return undefined;
  const url = new URL(endpoint);
  url.searchParams.set("post_logout_redirect_uri", `${appUrl}/`);
  return url.toString();
}
