import { describe, expect, it } from "vitest";
import { decideAccess, effectiveStatus, pageFor, trialDaysLeft, type SessionRow } from "./gate";

const now = new Date("2026-11-21T12:00:00Z");
const row = (overrides: Partial<SessionRow> = {}): SessionRow => ({
  userId: "u",
  expiresAt: new Date("2026-11-22T00:00:00Z"),
  tenantId: "t",
  oid: "o",
  userName: "Megan",
  userEmail: "megan@contoso.com",
  userRole: "ADMIN",
  userSuspendedAt: null,
  tenantName: "Contoso",
  tenantDomain: "contoso.com",
  tenantStatus: "TRIAL",
  trialEndsAt: new Date("2026-12-01T00:00:00Z"),
  consentRevokedAt: null,
  suspensionReason: null,
  dataRetainedUntil: null,
  seatLimit: null,
  userSeatAssignedAt: null,
  ...overrides,
});

describe("the gate", () => {
  it("lets a running trial and an active tenant in, with their tenant from the session row", () => {
    const trial = decideAccess(row(), now);
    expect(trial.kind).toBe("allowed");
    expect(trial.kind === "allowed" && trial.access.tenantId).toBe("t");
    expect(decideAccess(row({ tenantStatus: "ACTIVE", trialEndsAt: null }), now).kind).toBe("allowed");
  });

  it("treats a trial past its end date as expired, whatever the stored status says", () => {
    const ended = new Date("2026-11-21T11:59:59Z");
    expect(effectiveStatus("TRIAL", ended, now)).toBe("EXPIRED");
    expect(decideAccess(row({ trialEndsAt: ended }), now)).toEqual({ kind: "trial-expired", trialEndsAt: ended });
    expect(decideAccess(row({ trialEndsAt: now }), now).kind).toBe("trial-expired");
    expect(decideAccess(row({ trialEndsAt: null }), now).kind).toBe("trial-expired");
  });

  it("sends everyone else to the page written for them", () => {
    expect(decideAccess(null, now)).toEqual({ kind: "signed-out" });
    expect(decideAccess(row({ tenantStatus: "SUSPENDED" }), now)).toEqual({ kind: "suspended", by: "operator" });
    expect(decideAccess(row({ tenantStatus: "SUSPENDED", suspensionReason: "MARKETPLACE" }), now)).toEqual({
      kind: "suspended",
      by: "marketplace",
    });
    expect(decideAccess(row({ tenantStatus: "PENDING" }), now)).toEqual({ kind: "pending" });
    expect(decideAccess(row({ tenantStatus: "EXPIRED" }), now).kind).toBe("trial-expired");
    expect(decideAccess(row({ tenantStatus: "ACTIVE", userSuspendedAt: now }), now)).toEqual({
      kind: "user-suspended",
    });
    expect(pageFor({ kind: "trial-expired", trialEndsAt: null })).toBe("/trial/expired");
    expect(pageFor({ kind: "suspended", by: "operator" })).toBe("/account/suspended");
    expect(pageFor({ kind: "suspended", by: "marketplace" })).toBe("/account/suspended?why=billing");
    const kept = new Date("2027-02-19T12:00:00Z");
    expect(decideAccess(row({ tenantStatus: "ENDED", dataRetainedUntil: kept }), now)).toEqual({
      kind: "ended",
      dataRetainedUntil: kept,
    });
    expect(pageFor({ kind: "ended", dataRetainedUntil: kept })).toBe("/account/ended");
    expect(pageFor({ kind: "pending" })).toBe("/account/pending");
    expect(pageFor({ kind: "signed-out" })).toBe("/");
    expect(decideAccess(row({ consentRevokedAt: now }), now)).toEqual({ kind: "consent-revoked" });
    expect(pageFor({ kind: "consent-revoked" })).toBe("/account/consent-revoked");
  });

  it("lets a person in under a per-user plan only with a seat; a trial or a flat rate has no limit", () => {
    const active = { tenantStatus: "ACTIVE" as const, trialEndsAt: null };
    expect(decideAccess(row({ ...active, seatLimit: 5 }), now)).toEqual({
      kind: "no-seat",
      tenantId: "t",
      userId: "u",
    });
    expect(decideAccess(row({ ...active, seatLimit: 5, userSeatAssignedAt: now }), now).kind).toBe("allowed");
    expect(decideAccess(row({ ...active, seatLimit: null }), now).kind).toBe("allowed");
    // A limit left on a tenant that went back to a trial (an operator's extension) does not bar anyone.
    expect(decideAccess(row({ seatLimit: 5 }), now).kind).toBe("allowed");
    expect(pageFor({ kind: "no-seat", tenantId: "t", userId: "u" })).toBe("/account/no-seat");
  });

  it("counts trial days left, rounded up, never below zero", () => {
    expect(trialDaysLeft(new Date("2026-11-22T12:00:00Z"), now)).toBe(1);
    expect(trialDaysLeft(new Date("2026-11-22T12:00:01Z"), now)).toBe(2);
    expect(trialDaysLeft(new Date("2026-11-01T00:00:00Z"), now)).toBe(0);
  });
});
