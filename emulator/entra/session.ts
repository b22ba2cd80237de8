// The emulator's own sign-in session on the front channel: a cookie naming the account picked
// last, so a second authorization request can skip the picker, and sign-out, which clears it.
import type { Account } from "../directory";
import * as pages from "../pages";
import type { Emulator } from "./state";

const SESSION_COOKIE = "entra_emulator_session";

export function sessionAccount(emulator: Emulator, cookieHeader: string | undefined): Account | undefined {
  const value = cookieHeader
    ?.split(";")
    .map((part) => part.trim().split("="))
    .find(([name]) => name === SESSION_COOKIE)?.[1];
  if (!value) return undefined;
  const [tenantId, oid] = decodeURIComponent(value).split(":");
  return emulator.account(tenantId ?? "", oid ?? "");
}

/** The Set-Cookie value that signs `account` in. */
export function sessionCookie(account: Account): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(`${account.tenantId}:${account.oid}`)}; Path=/; HttpOnly; SameSite=Lax`;
}

/** Sign-out: back to `post_logout_redirect_uri` only when it is the origin of a registered app. */
export function logout(emulator: Emulator, query: URLSearchParams): Response {
  const target = query.get("post_logout_redirect_uri");
  const allowed =
    target &&
    [...emulator.apps.values()].some((app) =>
      app.redirectUris.some((uri) => new URL(uri).origin === safeOrigin(target)),
    );
  const headers = new Headers({ "set-cookie": `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax` });
  if (allowed) {
    headers.set("location", target);
    return new Response(null, { status: 302, headers });
  }
  headers.set("content-type", "text/html; charset=utf-8");
  return new Response(pages.signedOutPage(), { status: 200, headers });
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
