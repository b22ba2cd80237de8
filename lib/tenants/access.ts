// The gate, asked by a request: one indexed query from the session cookie to the tenant row.
import { cache } from "react";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { findSession, sessionCookie } from "../auth/session";
import { dbPool } from "../db/client";
import { isDatabaseUnavailable } from "../db/availability";
import { readOrUnavailable, unavailableJson } from "../db/outage-redirect";
import {
  decideAccess,
  pageFor,
  signedInPerson,
  type AccessDecision,
  type SignedInPerson,
  type TenantAccess,
} from "./gate";

/** This request's decision (asked once per request, however many components ask). */
export const currentAccess = cache(async (): Promise<AccessDecision> => {
  const token = (await cookies()).get(sessionCookie().name)?.value;
  return decideAccess(await readOrUnavailable(async () => findSession(await dbPool(), token)));
});

/** Who this request's session is, whatever the tenant's status (the marketplace landing page). */
export const currentPerson = cache(async (): Promise<SignedInPerson | null> => {
  const token = (await cookies()).get(sessionCookie().name)?.value;
  return signedInPerson(await readOrUnavailable(async () => findSession(await dbPool(), token)));
});

/** For pages of the gated app: the access, or a redirect to the page written for the case. */
export async function requireTenantAccess(): Promise<TenantAccess> {
  const decision = await currentAccess();
  if (decision.kind !== "allowed") redirect(pageFor(decision));
  return decision.access;
}

/** For API routes: the access, or the JSON answer to send instead (401 signed out, 403 barred). */
export async function apiTenantAccess(): Promise<TenantAccess | Response> {
  let decision: AccessDecision;
  try {
    decision = await currentAccess();
  } catch (error) {
    // The database unreachable: 503 with Retry-After (lib/db/outage-redirect.ts), never a 500.
    if (isDatabaseUnavailable(error)) return unavailableJson();
    throw error;
  }
  if (decision.kind === "allowed") return decision.access;
  return Response.json(
    { error: decision.kind },
    { status: decision.kind === "signed-out" ? 401 : 403, headers: { "Cache-Control": "no-store" } },
  );
}
