// THE gate: whether a request may see tenant data. Decided here only, from the server-side
// session's row (session → user (tid, oid) → tenant), never from anything the browser sends.
// The proxy asks it, and so does every place that reads tenant data (../SECURITY.md: "Access is
// checked where data is read, not only in proxy.ts").
import type { TenantStatus } from "../db/generated/enums";

/** What the gate reads: one row, fetched with the session in one indexed query. */
export type SessionRow = {
  userId: string;
  expiresAt: Date;
  tenantId: string;
  oid: string;
  userName: string | null;
  userEmail: string | null;
  userRole: "ADMIN" | "MEMBER";
  userSuspendedAt: Date | null;
  tenantName: string | null;
  tenantDomain: string | null;
  tenantStatus: TenantStatus;
  trialEndsAt: Date | null;
  consentRevokedAt: Date | null;
  suspensionReason: "OPERATOR" | "MARKETPLACE" | null;
  dataRetainedUntil: Date | null;
  /** Seats of a per-user plan; null: no limit. */
  seatLimit: number | null;
  userSeatAssignedAt: Date | null;
};

declare const allowed: unique symbol;

/** Proof that the gate let this request in; data functions take it, so none can be called without. */
export type TenantAccess = {
  readonly [allowed]: true;
  tenantId: string;
  userId: string;
  oid: string;
  tenant: { name: string | null; domain: string | null; status: "TRIAL" | "ACTIVE"; trialEndsAt: Date | null };
  /** `role`: whether this person administers the app for the tenant, read with the session. */
  user: { name: string | null; email: string | null; role: "ADMIN" | "MEMBER" };
};

export type AccessDecision =
  | { kind: "allowed"; access: TenantAccess }
  | { kind: "signed-out" }
  | { kind: "trial-expired"; trialEndsAt: Date | null }
  /** `by`: the marketplace (a payment problem: billing) or the vendor's operators. */
  | { kind: "suspended"; by: "operator" | "marketplace" }
  | { kind: "user-suspended" }
  | { kind: "pending" }
  | { kind: "consent-revoked" }
  /** The subscription was cancelled; the data is kept until then. */
  | { kind: "ended"; dataRetainedUntil: Date | null }
  /** A per-user plan whose seats are all taken by others (issue "seats"). */
  | { kind: "no-seat"; tenantId: string; userId: string };

/** The effective status: a trial past its end date is expired, whatever the row says yet. */
export function effectiveStatus(status: TenantStatus, trialEndsAt: Date | null, now: Date): TenantStatus {
  if (status === "TRIAL" && (!trialEndsAt || trialEndsAt.getTime() <= now.getTime())) return "EXPIRED";
  return status;
}

export function decideAccess(row: SessionRow | null | undefined, now: Date = new Date()): AccessDecision {
  if (!row) return { kind: "signed-out" };
  if (row.userSuspendedAt) return { kind: "user-suspended" };
  // The app was removed from the organization's directory: an admin must sign up again.
  if (row.consentRevokedAt && row.tenantStatus !== "SUSPENDED") return { kind: "consent-revoked" };
  const status = effectiveStatus(row.tenantStatus, row.trialEndsAt, now);
  switch (status) {
    case "TRIAL":
    case "ACTIVE":
      // Seats count only under a per-user plan; a trial or a flat rate has no limit.
      if (status === "ACTIVE" && row.seatLimit !== null && !row.userSeatAssignedAt) {
        return { kind: "no-seat", tenantId: row.tenantId, userId: row.userId };
      }
      return {
        kind: "allowed",
        access: {
          tenantId: row.tenantId,
          userId: row.userId,
          oid: row.oid,
          tenant: { name: row.tenantName, domain: row.tenantDomain, status, trialEndsAt: row.trialEndsAt },
          user: { name: row.userName, email: row.userEmail, role: row.userRole },
        } as TenantAccess,
      };
    case "EXPIRED":
      return { kind: "trial-expired", trialEndsAt: row.trialEndsAt };
    case "SUSPENDED":
      return { kind: "suspended", by: row.suspensionReason === "MARKETPLACE" ? "marketplace" : "operator" };
    case "PENDING":
      return { kind: "pending" };
    case "ENDED":
      return { kind: "ended", dataRetainedUntil: row.dataRetainedUntil };
  }
}

/**
 * Who is signed in, whatever their tenant's status: for the marketplace landing page, where a
 * person whose trial ended buys a plan. It grants no tenant data: data functions take
 * TenantAccess, which only decideAccess gives. A suspended person is nobody here either.
 */
export type SignedInPerson = {
  tenantId: string;
  userId: string;
  oid: string;
  name: string | null;
  email: string | null;
  role: "ADMIN" | "MEMBER";
  tenantStatus: TenantStatus;
};

export function signedInPerson(row: SessionRow | null | undefined, now: Date = new Date()): SignedInPerson | null {
  if (!row || row.userSuspendedAt) return null;
  return {
    tenantId: row.tenantId,
    userId: row.userId,
    oid: row.oid,
    name: row.userName,
    email: row.userEmail,
    role: row.userRole,
    tenantStatus: effectiveStatus(row.tenantStatus, row.trialEndsAt, now),
  };
}

/** Where a person who may not get in is sent: a page written for their case. */
export function pageFor(decision: Exclude<AccessDecision, { kind: "allowed" }>): string {
  switch (decision.kind) {
    case "signed-out":
      return "/";
    case "trial-expired":
      return "/trial/expired";
    case "suspended":
      return decision.by === "marketplace" ? "/account/suspended?why=billing" : "/account/suspended";
    case "ended":
      return "/account/ended";
    case "no-seat":
      return "/account/no-seat";
    case "user-suspended":
      return "/account/suspended?who=user";
    case "pending":
      return "/account/pending";
    case "consent-revoked":
      return "/account/consent-revoked";
  }
}

/** What people see as their organization's name: never "not known" (lib/tenants/organization.ts). */
export function organizationName(access: TenantAccess): string {
  return access.tenant.name ?? access.tenant.domain ?? "Your organization";
}

/** Whole days left in a trial, rounded up ("1 day left" until the last second). */
export function trialDaysLeft(trialEndsAt: Date | null, now: Date = new Date()): number {
  if (!trialEndsAt) return 0;
  return Math.max(0, Math.ceil((trialEndsAt.getTime() - now.getTime()) / 86_400_000));
}
