// Admin sign-up: an administrator enables the app for the whole organization through Entra's
// admin consent. Nobody activates a tenant they do not administer: the callback's query proves
// nothing by itself (anyone can type ?admin_consent=True&tenant=<any tid>, and Microsoft's docs
// say so). Activation needs, in this browser:
//   1. the `state` this browser was given: in a signed, short-lived cookie, and its hash on the
//      server, used once (a replay by the cookie's own holder finds nothing);
//   2. no `error` from Entra, `admin_consent=True`, a GUID tenant that is not a multiplexer or
//      the personal-account tenant;
//   3. the administrator's own sign-in to that tenant, with a role that can grant tenant-wide
//      consent in `wids`;
//   4. only then, an app-only token from that tenant's own authority whose `roles` show the
//      application permissions were granted.
// Until step 3, every failure gets one and the same answer, costs no call to Entra and writes
// nothing about the claimed tenant: the callback is no oracle of who is a customer
// (../SECURITY.md "A failure that depends on a secret fact answers the same way").
import { createHash, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import type { Database } from "../db/client";
import { PERSONAL_ACCOUNTS_TENANT } from "../auth/id-token";
import { GUID } from "../guid";

/** `__Host-` on https: Secure, Path=/, no Domain, so no subdomain can plant or read it. */
export const adminSignupCookieName = (secure: boolean) =>
  secure ? "__Host-appsource.admin_signup" : "appsource.admin_signup";
const LIFETIME_S = 15 * 60;

/** Directory roles that can grant tenant-wide consent (role template ids, as in `wids`). */
export const CONSENT_ADMIN_ROLES = [
  "62e90394-69f5-4237-9190-012177145e10", // Global Administrator
  "e8611ab8-c189-46e8-94e1-60213ab1f814", // Privileged Role Administrator
  "158c047a-c907-4556-b7ef-446551a6b5f7", // Cloud Application Administrator
  "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", // Application Administrator
];

export const canGrantTenantWideConsent = (roles: string[]) => roles.some((role) => CONSENT_ADMIN_ROLES.includes(role));

/** Where this browser is in the sign-up. */
export type SignupProgress =
  | { stage: "consent"; state: string }
  | { stage: "admin-sign-in"; tenant: string; flow: string }
  | { stage: "verified"; tenant: string; oid: string; flow: string }
  | { stage: "refused"; tenant: string; reason: SignedInRefusal };

/** Why a callback was refused before anyone signed in: logged, never told apart to the browser. */
export type CallbackRefusal = "declined" | "state" | "tenant" | "incomplete";

/** Why a sign-up was refused after the administrator's own sign-in: these are told apart. */
export type SignedInRefusal = "not-admin" | "other-tenant" | "not-installed" | "permissions-missing";

const signingKey = (secret: string) => new Uint8Array(hkdfSync("sha256", secret, "", "appsource admin sign-up", 32));

export function sealProgress(progress: SignupProgress, secret: string): Promise<string> {
  return new SignJWT({ ...progress })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime(`${LIFETIME_S}s`)
    .sign(signingKey(secret));
}

export async function openProgress(cookie: string | undefined, secret: string): Promise<SignupProgress | null> {
  if (!cookie) return null;
  try {
    const { payload } = await jwtVerify(cookie, signingKey(secret), { algorithms: ["HS256"] });
    return payload as unknown as SignupProgress;
  } catch {
    return null; // forged, altered or expired
  }
}

export const newState = () => randomBytes(32).toString("base64url");

/** The server's record of a state: its SHA-256, so a copy of the table starts no sign-up. */
export const stateId = (state: string) => createHash("sha256").update(state).digest("hex");

/** Records a new state, single use, and forgets expired ones (the table stays small). */
export async function rememberState(prisma: Database, state: string, now = new Date()): Promise<void> {
  await prisma.adminSignupState.deleteMany({ where: { expiresAt: { lt: now } } });
  await prisma.adminSignupState.create({
    data: { id: stateId(state), expiresAt: new Date(now.getTime() + LIFETIME_S * 1000) },
  });
}

/** Step 1 on the server: the state is known, unexpired and not used yet; it is used now. */
export async function consumeStateAtCallback(
  prisma: Database,
  state: string,
  now = new Date(),
): Promise<string | null> {
  const id = stateId(state);
  const { count } = await prisma.adminSignupState.updateMany({
    where: { id, consentedAt: null, expiresAt: { gt: now } },
    data: { consentedAt: now },
  });
  return count === 1 ? id : null;
}

/** The sign-up's last step, once: the row goes, so a replayed "verified" cookie completes nothing. */
export async function finishFlow(prisma: Database, flow: string, now = new Date()): Promise<boolean> {
  const { count } = await prisma.adminSignupState.deleteMany({
    where: { id: flow, consentedAt: { not: null }, expiresAt: { gt: now } },
  });
  return count === 1;
}

export const cookieOptions = (secure: boolean) => ({
  httpOnly: true,
  sameSite: "lax" as const,
  secure,
  path: "/",
  maxAge: LIFETIME_S,
});

export type CallbackCheck = { ok: true; tenant: string } | { ok: false; reason: CallbackRefusal; tenant?: string };

/** Steps 1 and 2: the callback's query against this browser's cookie. */
export function checkConsentCallback(query: URLSearchParams, progress: SignupProgress | null): CallbackCheck {
  const tenant = query.get("tenant") ?? undefined;
  // An error means failure, even next to admin_consent=True.
  if (query.has("error")) return { ok: false, reason: "declined", tenant };
  const state = query.get("state") ?? "";
  if (progress?.stage !== "consent" || !sameString(state, progress.state))
    return { ok: false, reason: "state", tenant };
  if (query.get("admin_consent") !== "True") return { ok: false, reason: "incomplete", tenant };
  if (!tenant || !GUID.test(tenant) || tenant.toLowerCase() === PERSONAL_ACCOUNTS_TENANT) {
    return { ok: false, reason: "tenant", tenant };
  }
  return { ok: true, tenant: tenant.toLowerCase() };
}

function sameString(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** Step 3, at the administrator's sign-in (lib/auth/auth.ts). */
export function judgeAdminSignIn(
  progress: { tenant: string; flow: string },
  identity: { tid: string; oid: string; roles: string[] },
): SignupProgress {
  const { tenant, flow } = progress;
  if (identity.tid !== tenant) return { stage: "refused", tenant, reason: "other-tenant" };
  if (!canGrantTenantWideConsent(identity.roles)) return { stage: "refused", tenant, reason: "not-admin" };
  return { stage: "verified", tenant, oid: identity.oid, flow };
}

/** Step 4: the app-only token's `roles` hold every application permission the app asks for. */
export const permissionsGranted = (roles: string[], required: readonly string[]) =>
  required.every((permission) => roles.includes(permission));

/** A refusal after the administrator signed in: an audit event on their tenant, saying what was seen. */
export async function recordRefusal(
  prisma: Database,
  reason: SignedInRefusal,
  tenant: string,
  actor: string,
  detail: Record<string, unknown> = {},
) {
  const known = await prisma.tenant.findUnique({ where: { id: tenant }, select: { id: true } });
  await prisma.auditEvent.create({
    data: {
      tenantId: known?.id ?? null,
      actor,
      type: "tenant.admin_signup_refused",
      detail: { reason, claimedTenant: tenant, ...detail } as object,
    },
  });
}
