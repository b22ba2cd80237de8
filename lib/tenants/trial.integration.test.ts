import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { databaseTargets, migratedDatabase } from "@/test/databases";
import { findSession, hashSessionToken } from "../auth/session";
import { accessOf } from "@/test/sessions";
import { decideAccess } from "./gate";
import { listTenantUsers } from "./queries";
import { recordAdminConsent } from "./lifecycle";
import { admitUser } from "./trial";

describe.each(databaseTargets)("trial provisioning on $name", (target) => {
  const db = migratedDatabase(target, { poolMax: target.name === "PGlite" ? 1 : 20 });

  const settings = { days: 30, mode: "customer" as const };

  it("starts a trial for the first person of a tenant, who becomes its admin, and records where they came from", async () => {
    const tid = randomUUID();
    const now = new Date("2026-11-21T10:00:00Z");
    const first = await admitUser(
      db.prisma,
      {
        tid,
        oid: randomUUID(),
        name: "Megan",
        email: "megan@contoso.com",
        source: { source: "appsource", utm_campaign: "launch" },
      },
      { ...settings, now },
    );
    expect(first).toMatchObject({ tenantCreated: true, userCreated: true });
    const tenant = await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } });
    expect(tenant).toMatchObject({
      status: "TRIAL",
      consentType: "USER",
      trialStartsAt: now,
      signupSource: { source: "appsource", utm_campaign: "launch" },
    });
    expect(tenant.trialEndsAt?.toISOString()).toBe("2026-12-21T10:00:00.000Z");
    expect(await db.prisma.user.findUniqueOrThrow({ where: { id: first.userId } })).toMatchObject({ role: "ADMIN" });
    expect(await db.prisma.auditEvent.findMany({ where: { tenantId: tid } })).toEqual([
      expect.objectContaining({ type: "tenant.trial_started", actor: expect.stringContaining(tid) }),
    ]);
  });

  it("lets later people join without a new trial, and never restarts an ended trial", async () => {
    const tid = randomUUID();
    await admitUser(db.prisma, { tid, oid: randomUUID() }, settings);
    await db.prisma.tenant.update({
      where: { id: tid },
      data: { status: "EXPIRED", trialEndsAt: new Date(Date.now() - 1000) },
    });
    const second = await admitUser(db.prisma, { tid, oid: randomUUID(), name: "Alex" }, settings);
    expect(second).toMatchObject({ tenantCreated: false, userCreated: true });
    expect(await db.prisma.user.findUniqueOrThrow({ where: { id: second.userId } })).toMatchObject({ role: "MEMBER" });
    expect(await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } })).toMatchObject({ status: "EXPIRED" });
    // Signing in again changes nothing but display data and the last sign-in.
    const again = await admitUser(
      db.prisma,
      { tid, oid: (await db.prisma.user.findUniqueOrThrow({ where: { id: second.userId } })).oid, name: "Alex W." },
      settings,
    );
    expect(again).toMatchObject({ userId: second.userId, tenantCreated: false, userCreated: false });
  });

  it("records a partner-led sign-up as PENDING with its contact, no trial dates", async () => {
    const tid = randomUUID();
    await admitUser(
      db.prisma,
      { tid, oid: randomUUID(), name: "Nancy", email: "nancy@northwind.example" },
      { days: 30, mode: "partner" },
    );
    expect(await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } })).toMatchObject({
      status: "PENDING",
      trialStartsAt: null,
      trialEndsAt: null,
      contactName: "Nancy",
      contactEmail: "nancy@northwind.example",
    });
  });

  it("makes exactly one tenant and twenty users of twenty simultaneous first sign-ins, with no error", async () => {
    const tid = randomUUID();
    const oids = Array.from({ length: 20 }, () => randomUUID());
    const results = await Promise.allSettled(
      oids.map((oid) => admitUser(db.prisma, { tid, oid, name: oid.slice(0, 8) }, settings)),
    );
    expect(results.filter((result) => result.status === "rejected")).toEqual([]);
    const admissions = results.map(
      (result) => (result as PromiseFulfilledResult<Awaited<ReturnType<typeof admitUser>>>).value,
    );
    expect(admissions.filter((admission) => admission.tenantCreated)).toHaveLength(1);
    expect(await db.prisma.tenant.count({ where: { id: tid } })).toBe(1);
    expect(await db.prisma.user.count({ where: { tenantId: tid } })).toBe(20);
    expect(await db.prisma.user.count({ where: { tenantId: tid, role: "ADMIN" } })).toBe(1);
    expect(await db.prisma.auditEvent.count({ where: { tenantId: tid, type: "tenant.trial_started" } })).toBe(1);

    // And twenty working sessions.
    const tokens = admissions.map(() => randomUUID());
    await Promise.all(
      admissions.map((admission, index) =>
        db.prisma.session.create({
          data: {
            id: hashSessionToken(tokens[index]!),
            userId: admission.userId,
            tenantId: tid,
            expiresAt: new Date(Date.now() + 3_600_000),
          },
        }),
      ),
    );
    const decisions = await Promise.all(tokens.map(async (token) => decideAccess(await findSession(db.prisma, token))));
    expect(decisions.every((decision) => decision.kind === "allowed")).toBe(true);
  });

  it("gives each personal Microsoft account a workspace and a trial of its own: two of them see nothing of each other", async () => {
    const PERSONAL = "9188040d-6c67-4c5b-b112-36a304b66dad";
    const people = [
      { oid: randomUUID(), name: "Sam Taylor", email: "sam.taylor@outlook.com" },
      { oid: randomUUID(), name: "Chris Green", email: "chris.green@hotmail.com" },
    ];
    const admissions = [];
    for (const person of people) admissions.push(await admitUser(db.prisma, { tid: PERSONAL, ...person }, settings));
    expect(admissions.map((admission) => admission.tenantCreated)).toEqual([true, true]);
    const [sam, chris] = admissions as [(typeof admissions)[0], (typeof admissions)[0]];
    expect(sam.tenantId).not.toBe(chris.tenantId);
    expect(await db.prisma.tenant.count({ where: { id: PERSONAL } })).toBe(0);

    for (const [index, admission] of admissions.entries()) {
      const tenant = await db.prisma.tenant.findUniqueOrThrow({ where: { id: admission.tenantId } });
      expect(tenant).toMatchObject({ personal: true, status: "TRIAL", displayName: people[index]!.name });
      // Each is the admin of their own workspace only, and sees only themselves.
      const access = await accessOf(db.prisma, admission.userId, admission.tenantId);
      expect(access.user.role).toBe("ADMIN");
      const users = await listTenantUsers(db.prisma, access);
      expect(users.map((user) => [user.email, user.role])).toEqual([[people[index]!.email, "ADMIN"]]);
    }
    // Signing in again finds the same workspace.
    expect(await admitUser(db.prisma, { tid: PERSONAL, ...people[0]! }, settings)).toMatchObject({
      tenantId: sam.tenantId,
      userId: sam.userId,
      tenantCreated: false,
    });
  });

  it("reads the gate's row in one query, and a suspension or an ended trial shows at the next request", async () => {
    const tid = randomUUID();
    const { userId } = await admitUser(db.prisma, { tid, oid: randomUUID() }, settings);
    const token = randomUUID();
    await db.prisma.session.create({
      data: { id: hashSessionToken(token), userId, tenantId: tid, expiresAt: new Date(Date.now() + 3_600_000) },
    });
    expect(decideAccess(await findSession(db.prisma, token)).kind).toBe("allowed");

    await db.prisma.tenant.update({ where: { id: tid }, data: { trialEndsAt: new Date(Date.now() - 1000) } });
    expect(decideAccess(await findSession(db.prisma, token)).kind).toBe("trial-expired");
    await db.prisma.tenant.update({ where: { id: tid }, data: { status: "SUSPENDED" } });
    expect(decideAccess(await findSession(db.prisma, token)).kind).toBe("suspended");
    await db.prisma.tenant.update({ where: { id: tid }, data: { status: "ACTIVE" } });
    expect(decideAccess(await findSession(db.prisma, token)).kind).toBe("allowed");
    await db.prisma.user.update({ where: { id: userId }, data: { suspendedAt: new Date() } });
    expect(decideAccess(await findSession(db.prisma, token)).kind).toBe("user-suspended");

    // Unknown, tampered and expired tokens are simply signed out.
    expect(await findSession(db.prisma, `${token}x`)).toBeNull();
    await db.prisma.session.update({
      where: { id: hashSessionToken(token) },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    expect(await findSession(db.prisma, token)).toBeNull();
  });
});

describe.each(databaseTargets)("admin consent on $name", (target) => {
  const db = migratedDatabase(target, { poolMax: 1 });
  const admin = randomUUID();
  const roles = ["Organization.Read.All"];

  it("starts the trial of a tenant that had none, keeps an ACTIVE one active, never restarts an ended trial", async () => {
    const [pending, active, ended] = [randomUUID(), randomUUID(), randomUUID()];
    await admitUser(db.prisma, { tid: pending, oid: admin }, { days: 30, mode: "partner" });
    await admitUser(db.prisma, { tid: active, oid: admin }, { days: 30, mode: "customer" });
    await db.prisma.tenant.update({ where: { id: active }, data: { status: "ACTIVE" } });
    await admitUser(db.prisma, { tid: ended, oid: admin }, { days: 30, mode: "customer" });
    const endedAt = new Date(Date.now() - 1000);
    await db.prisma.tenant.update({ where: { id: ended }, data: { trialEndsAt: endedAt } });

    for (const tid of [pending, active, ended]) {
      await recordAdminConsent(db.prisma, { tid, adminOid: admin, roles, trial: { days: 14, mode: "customer" } });
      await recordAdminConsent(db.prisma, { tid, adminOid: admin, roles, trial: { days: 14, mode: "customer" } }); // harmless twice
    }
    expect(await db.prisma.tenant.findUniqueOrThrow({ where: { id: pending } })).toMatchObject({
      status: "TRIAL",
      consentType: "ADMIN",
      adminConsentedBy: admin,
    });
    expect(await db.prisma.tenant.findUniqueOrThrow({ where: { id: active } })).toMatchObject({
      status: "ACTIVE",
      consentType: "ADMIN",
    });
    expect(await db.prisma.tenant.findUniqueOrThrow({ where: { id: ended } })).toMatchObject({
      trialEndsAt: endedAt,
      consentType: "ADMIN",
    });
    expect(await db.prisma.auditEvent.count({ where: { tenantId: pending, type: "tenant.admin_consented" } })).toBe(2);
  });

  it("with TRIAL_MODE=partner, records the consent and leaves the tenant PENDING for the vendor to approve", async () => {
    const tid = randomUUID();
    await admitUser(db.prisma, { tid, oid: admin }, { days: 30, mode: "partner" });
    const outcome = await recordAdminConsent(db.prisma, {
      tid,
      adminOid: admin,
      roles,
      trial: { days: 14, mode: "partner" },
    });
    expect(outcome).toEqual({ trialStarted: false });
    const tenant = await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } });
    expect(tenant).toMatchObject({ status: "PENDING", consentType: "ADMIN", adminConsentedBy: admin });
    expect(tenant.trialStartsAt).toBeNull();
    const consented = await db.prisma.auditEvent.findFirstOrThrow({
      where: { tenantId: tid, type: "tenant.admin_consented" },
    });
    // The audit event says what the app-only token showed.
    expect(consented.detail).toMatchObject({ applicationPermissions: roles, trialMode: "partner" });
    expect(await db.prisma.auditEvent.count({ where: { tenantId: tid, type: "tenant.trial_started" } })).toBe(0);
  });
});
