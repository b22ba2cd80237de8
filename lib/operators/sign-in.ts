// The console's sign-in: the same Entra sign-in as everyone's (lib/auth/auth.ts), marked as the
// console's by a short-lived cookie. The sign-in callback hands a marked sign-in here instead of
// admitting a customer: no tenant and no user row is made, only an operator session, and only
// for the publisher tenant's people with an Operator app role.
import { cookies } from "next/headers";
import type { EntraIdentity } from "../auth/id-token";
import { config } from "../config";
import { db } from "../db/client";
import { admitToConsole } from "./gate";
import { openOperatorSession, operatorCookie, operatorSignInCookie } from "./session";

/** Marks the sign-in about to start as the console's (/operator/signin/start). */
export async function markOperatorSignIn(): Promise<void> {
  const cookie = operatorSignInCookie(config().auth.url);
  (await cookies()).set(cookie.name, "1", {
    httpOnly: true,
    sameSite: "lax",
    secure: cookie.secure,
    path: "/",
    maxAge: 10 * 60,
  });
}

/** Whether this sign-in was started for the console; the mark is used up either way. */
export async function takeOperatorSignIn(): Promise<boolean> {
  const cookie = operatorSignInCookie(config().auth.url);
  const store = await cookies();
  const marked = store.get(cookie.name)?.value === "1";
  if (marked)
    store.set(cookie.name, "", { httpOnly: true, sameSite: "lax", secure: cookie.secure, path: "/", maxAge: 0 });
  return marked;
}

/** The console's answer to a verified sign-in: where to go (Auth.js makes no session of its own). */
export async function admitOperator(identity: EntraIdentity): Promise<string> {
  const settings = config();
  const decision = admitToConsole(
    { tid: identity.tid, roles: identity.claims.roles },
    settings.operators?.tenantId ?? null,
  );
  if (!decision.admitted) {
    // Who, by ids only; never the token.
    console.warn(`[operator] console sign-in refused (${decision.reason}) for ${identity.tid}/${identity.oid}`);
    return `/operator/signin?refused=${decision.reason}`;
  }
  const { token, expiresAt } = await openOperatorSession(
    await db(),
    { tenantId: identity.tid, oid: identity.oid, name: identity.name, email: identity.email, role: decision.role },
    settings.operators!.sessionMinutes,
  );
  const cookie = operatorCookie(settings.auth.url);
  (await cookies()).set(cookie.name, token, {
    httpOnly: true,
    sameSite: "lax",
    secure: cookie.secure,
    path: "/",
    expires: expiresAt,
  });
  console.info(`[operator] ${identity.tid}/${identity.oid} signed in to the console (${decision.role})`);
  return "/operator";
}
