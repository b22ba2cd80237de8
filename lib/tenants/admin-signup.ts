// Admin sign-up: an administrator enables the app for the whole organization through Entra's
// admin consent. Nobody activates a tenant they do not administer: the callback's query proves
// nothing by itself (anyone can type ?admin_consent=True&tenant=<any tid>, and Microsoft's docs
// say so). Activation needs, in this browser:
//   1. the `state` this browser was given (a signed, short-lived, single-use cookie);
//   2. no `error` from Entra, `admin_consent=True`, a GUID tenant that is not a multiplexer or
//      the personal-account tenant;
//   3. an app-only token from that tenant's own authority (the app really is installed there);
//   4. the administrator's own sign-in to that tenant, with a role that can grant tenant-wide
//      consent in `wids`.
import { hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import type { Database } from "../db/client";
import { PERSONAL_ACCOUNTS_TENANT } from "../auth/id-token";

export const ADMIN_SIGNUP_COOKIE = "appsource.admin_signup";
const LIFETIME_S = 15 * 60;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  | { stage: "admin-sign-in"; tenant: string }
  | { stage: "verified"; tenant: string; oid: string }
  | { stage: "refused"; tenant: string; reason: RefusalReason };

export type RefusalReason =
  "declined" | "state" | "tenant" | "not-installed" | "not-admin" | "other-tenant" | "incomplete";

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

export const cookieOptions = (secure: boolean) => ({
  httpOnly: true,
  sameSite: "lax" as const,
  secure,
  path: "/",
  maxAge: LIFETIME_S,
});

export type CallbackCheck = { ok: true; tenant: string } | { ok: false; reason: RefusalReason; tenant?: string };

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

/** Step 4, at the administrator's sign-in (lib/auth/auth.ts). */
export function judgeAdminSignIn(
  tenant: string,
  identity: { tid: string; oid: string; roles: string[] },
): SignupProgress {
  if (identity.tid !== tenant) return { stage: "refused", tenant, reason: "other-tenant" };
  if (!canGrantTenantWideConsent(identity.roles)) return { stage: "refused", tenant, reason: "not-admin" };
  return { stage: "verified", tenant, oid: identity.oid };
}

/** Marks the tenant admin-consented (who, when), with its trial if it had none, in one transaction. */
export async function recordAdminConsent(
  prisma: Database,
  input: { tenant: string; adminOid: string; trialDays: number; now?: Date },
): Promise<void> {
  const now = input.now ?? new Date();
  await prisma.$transaction(async (tx) => {
    const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: input.tenant } });
    const startTrial = !tenant.trialStartsAt && tenant.status !== "ACTIVE" && tenant.status !== "SUSPENDED";
    await tx.tenant.update({
      where: { id: input.tenant },
      data: {
        consentType: "ADMIN",
        adminConsentedAt: now,
        adminConsentedBy: input.adminOid,
        consentRevokedAt: null,
        ...(startTrial
          ? { status: "TRIAL", trialStartsAt: now, trialEndsAt: new Date(now.getTime() + input.trialDays * 86_400_000) }
          : {}),
      },
    });
    await tx.auditEvent.create({
      data: {
        tenantId: input.tenant,
        actor: `user:${input.tenant}/${input.adminOid}`,
        type: "tenant.admin_consented",
        detail: { trialStarted: startTrial },
      },
    });
  });
}

/** Every refusal leaves a trace: which tenant was claimed, and why it was refused. */
export async function recordRefusal(
  prisma: Database,
  reason: RefusalReason,
  claimedTenant: string | undefined,
  detail: Record<string, string> = {},
) {
  const known =
    claimedTenant && GUID.test(claimedTenant)
      ? await prisma.tenant.findUnique({ where: { id: claimedTenant.toLowerCase() }, select: { id: true } })
      : null;
  await prisma.auditEvent.create({
    data: {
      tenantId: known?.id ?? null,
      actor: "anonymous",
      type: "tenant.admin_signup_refused",
      detail: { reason, claimedTenant: claimedTenant?.slice(0, 100) ?? null, ...detail },
    },
  });
}
