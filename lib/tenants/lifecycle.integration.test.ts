import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { databaseTargets, migratedDatabase } from "@/test/databases";
import { effectiveStatus } from "./gate";
import {
  applyTransition,
  createTenantAtSignIn,
  createTenantOnPurchase,
  extendTrial,
  recordAdminConsent,
  reinstateTenant,
  suspendTenant,
  TRANSITIONS,
  TransitionRefused,
  type TransitionName,
  type TrialMode,
  type Trigger,
} from "./lifecycle";
import { tenantsCommand } from "./command";
import { admitUser } from "./trial";

describe.each(databaseTargets)("npm run tenants on $name", (target) => {
  const db = migratedDatabase(target, { poolMax: 1 });
  const env = () => ({
    NODE_ENV: "production" as const,
    DATABASE_URL: db.url,
    DATABASE_POOL_MAX: "1",
    TRIAL_DAYS: "14",
  });

  /** The command run in this process, through the entry function the script runs. */
  async function tenants(...args: string[]) {
    const out = { stdout: "", stderr: "" };
    const status = await tenantsCommand(args, env(), {
      info: (line) => void (out.stdout += `${line}\n`),
      error: (line) => void (out.stderr += `${line}\n`),
    });
    return { status, ...out };
  }

  // Once, on the last database (the PostgreSQL server in CI): starting the command costs seconds.
  it.runIf(target === databaseTargets.at(-1))(
    "is a real command: `npm run tenants -- approve` in its own process starts a partner-led trial",
    async () => {
      const tid = randomUUID();
      await admitUser(db.prisma, { tid, oid: randomUUID(), name: "Nancy" }, { days: 30, mode: "partner" });
      // As an operator runs it: its own process, its own connection, configured by the environment.
      // Not spawnSync: the PGlite server of this test lives in this process and must keep answering.
      const { status, stdout, stderr } = await new Promise<{ status: number | null; stdout: string; stderr: string }>(
        (resolve) => {
          const child = execFile(
            process.execPath,
            [path.join("node_modules", "tsx", "dist", "cli.mjs"), "scripts/tenants.ts", "approve", tid],
            { env: { PATH: process.env.PATH, ...env() }, encoding: "utf8" },
            (_error, stdout, stderr) => resolve({ status: child.exitCode, stdout, stderr }),
          );
        },
      );
      expect(stderr).toBe("");
      expect(status).toBe(0);
      expect(stdout).toMatch(new RegExp(`^${tid}  TRIAL  trial ends \\d{4}-`));
      expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } })).status).toBe("TRIAL");
    },
  );

  it("approves a partner-led trial, extends, suspends, reinstates and activates, with an audit trail", async () => {
    const tid = randomUUID();
    await admitUser(db.prisma, { tid, oid: randomUUID(), name: "Nancy" }, { days: 30, mode: "partner" });

    expect((await tenants("list")).stdout).toContain(`${tid}  PENDING`);
    const approved = await tenants("approve", tid);
    expect(approved.status).toBe(0);
    const tenant = await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } });
    expect(tenant.status).toBe("TRIAL");
    expect(Math.round((tenant.trialEndsAt!.getTime() - tenant.trialStartsAt!.getTime()) / 86_400_000)).toBe(14);

    // An ended trial, extended, runs again.
    await db.prisma.tenant.update({ where: { id: tid }, data: { trialEndsAt: new Date(Date.now() - 1000) } });
    expect((await tenants("extend", tid, "7")).status).toBe(0);
    const extended = await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } });
    expect(effectiveStatus(extended.status, extended.trialEndsAt, new Date())).toBe("TRIAL");

    expect((await tenants("suspend", tid)).status).toBe(0);
    expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } })).status).toBe("SUSPENDED");
    expect((await tenants("reinstate", tid)).status).toBe(0);
    expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } })).status).toBe("TRIAL");
    expect((await tenants("activate", tid)).status).toBe(0);
    expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } })).status).toBe("ACTIVE");

    const events = await db.prisma.auditEvent.findMany({ where: { tenantId: tid }, orderBy: { occurredAt: "asc" } });
    expect(events.map((event) => event.type)).toEqual([
      "tenant.trial_requested",
      "tenant.trial_approved",
      "tenant.trial_extended",
      "tenant.suspended",
      "tenant.reinstated",
      "tenant.activated",
    ]);
  });

  it("refuses what makes no sense, with a message and nothing changed", async () => {
    const tid = randomUUID();
    await admitUser(db.prisma, { tid, oid: randomUUID() }, { days: 30, mode: "customer" });
    const approve = await tenants("approve", tid);
    expect(approve.status).toBe(1);
    expect(approve.stderr).toContain("is TRIAL, not PENDING");
    expect((await tenants("extend", tid, "0")).stderr).toContain("days: expected 1 to 365");
    expect((await tenants("suspend", randomUUID())).stderr).toContain("No tenant");
    const notGuid = await tenants("suspend", "not-a-guid");
    expect(notGuid.status).toBe(2);
    expect(notGuid.stderr).toContain("Usage: npm run tenants");
    expect((await tenants("launch", tid)).status).toBe(2);
    expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } })).status).toBe("TRIAL");
  });
});

describe.each(databaseTargets)("the tenant lifecycle on $name", (target) => {
  const db = migratedDatabase(target, { poolMax: target.name === "PGlite" ? 1 : 10 });

  const STATUSES = ["PENDING", "TRIAL", "EXPIRED", "ACTIVE", "SUSPENDED", "ENDED"] as const;
  const TRIGGERS: Trigger[] = ["trial-sign-in", "admin-sign-up", "operator", "marketplace"];
  const MODES: TrialMode[] = ["customer", "partner"];
  const DAY = 86_400_000;

  /** The specification, written out: every change that may happen, and nothing else. */
  const ALLOWED = new Set([
    "PENDING startTrialOnAdminConsent admin-sign-up customer -> TRIAL",
    ...MODES.flatMap((mode) => [
      `PENDING approveTrial operator ${mode} -> TRIAL`,
      `TRIAL extendTrial operator ${mode} -> TRIAL`,
      `EXPIRED extendTrial operator ${mode} -> TRIAL`,
      ...["operator", "marketplace"].flatMap((by) => [
        ...["PENDING", "TRIAL", "EXPIRED", "ENDED"].map((from) => `${from} activate ${by} ${mode} -> ACTIVE`),
        ...["PENDING", "TRIAL", "EXPIRED", "ACTIVE"].map((from) => `${from} suspend ${by} ${mode} -> SUSPENDED`),
        `SUSPENDED reinstate ${by} ${mode} -> ACTIVE`, // suspended from ACTIVE, below
        ...["PENDING", "TRIAL", "EXPIRED", "ACTIVE", "SUSPENDED"].map((from) => `${from} end ${by} ${mode} -> ENDED`),
      ]),
    ]),
  ]);

  /** A tenant in `status`, made directly (the test's own fixture). */
  async function tenantIn(status: (typeof STATUSES)[number]) {
    const id = randomUUID();
    const now = Date.now();
    await db.prisma.tenant.create({
      data: {
        id,
        status: status === "EXPIRED" ? "TRIAL" : status,
        statusBeforeSuspension: status === "SUSPENDED" ? "ACTIVE" : null,
        trialStartsAt: status === "PENDING" || status === "ENDED" ? null : new Date(now - 10 * DAY),
        trialEndsAt:
          status === "PENDING" || status === "ENDED" ? null : new Date(now + (status === "EXPIRED" ? -1 : 10) * DAY),
      },
    });
    return id;
  }

  it("walks the whole table: allowed changes are written with their audit event, every other one is refused and writes nothing", async () => {
    const seen = new Set<string>();
    for (const name of Object.keys(TRANSITIONS) as TransitionName[]) {
      if (name === "startTrial" || name === "requestTrial" || name === "startSubscription") continue; // creations: below
      for (const from of STATUSES) {
        for (const trigger of TRIGGERS) {
          for (const mode of MODES) {
            const tid = await tenantIn(from);
            const before = await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } });
            const key = `${from} ${name} ${trigger} ${mode}`;
            try {
              const after = await applyTransition(db.prisma, tid, name, { trigger, id: "test" }, { days: 7, mode });
              seen.add(`${key} -> ${after.status}`);
              expect(await db.prisma.auditEvent.count({ where: { tenantId: tid } }), key).toBe(1);
            } catch (error) {
              expect(error, key).toBeInstanceOf(TransitionRefused);
              expect(await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } }), key).toEqual(before);
              expect(await db.prisma.auditEvent.count({ where: { tenantId: tid } }), key).toBe(0);
            }
          }
        }
      }
    }
    expect([...seen].sort()).toEqual([...ALLOWED].sort());
  });

  it("records who suspended: a marketplace Reinstate lifts the marketplace's suspension only", async () => {
    const byOperator = await tenantIn("ACTIVE");
    await applyTransition(db.prisma, byOperator, "suspend", { trigger: "operator", id: "operator:cli" });
    expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id: byOperator } })).suspensionReason).toBe("OPERATOR");
    await expect(
      applyTransition(db.prisma, byOperator, "reinstate", { trigger: "marketplace", id: "marketplace:webhook" }),
    ).rejects.toBeInstanceOf(TransitionRefused);
    expect((await applyTransition(db.prisma, byOperator, "reinstate", { trigger: "operator", id: "x" })).status).toBe(
      "ACTIVE",
    );

    const byMarketplace = await tenantIn("ACTIVE");
    await applyTransition(db.prisma, byMarketplace, "suspend", { trigger: "marketplace", id: "marketplace:webhook" });
    const reinstated = await applyTransition(db.prisma, byMarketplace, "reinstate", {
      trigger: "marketplace",
      id: "marketplace:webhook",
    });
    expect(reinstated).toMatchObject({ status: "ACTIVE", suspensionReason: null });
  });

  it("ends a tenant keeping its data for the retention period, and brings it back with a new purchase", async () => {
    const tid = await tenantIn("ACTIVE");
    const now = new Date("2026-11-21T12:00:00Z");
    const ended = await applyTransition(
      db.prisma,
      tid,
      "end",
      { trigger: "marketplace", id: "m" },
      { now, retentionDays: 30 },
    );
    expect(ended).toMatchObject({ status: "ENDED", endedAt: now, dataRetainedUntil: new Date("2026-12-21T12:00:00Z") });
    const back = await applyTransition(db.prisma, tid, "activate", { trigger: "marketplace", id: "m" });
    expect(back).toMatchObject({ status: "ACTIVE", endedAt: null, dataRetainedUntil: null });
  });

  it("creates a tenant at a purchase only when the marketplace asks, ACTIVE, once", async () => {
    for (const trigger of TRIGGERS) {
      const tid = randomUUID();
      const create = () =>
        db.prisma.$transaction((tx) =>
          createTenantOnPurchase(tx, { tid, personal: false }, { trigger, id: "test" }, { subscriptionId: "s" }),
        );
      if (trigger !== "marketplace") {
        await expect(create()).rejects.toBeInstanceOf(TransitionRefused);
        expect(await db.prisma.tenant.count({ where: { id: tid } })).toBe(0);
        continue;
      }
      expect(await create()).toBe(true);
      expect(await create()).toBe(false);
      expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } })).status).toBe("ACTIVE");
      const events = await db.prisma.auditEvent.findMany({ where: { tenantId: tid } });
      expect(events.map((event) => [event.type, event.detail])).toEqual([
        ["tenant.activated", { from: "NEW", to: "ACTIVE", subscriptionId: "s" }],
      ]);
    }
  });

  it("creates tenants only at a trial sign-in: a trial in customer mode, a request in partner mode", async () => {
    for (const trigger of TRIGGERS) {
      for (const mode of MODES) {
        const tid = randomUUID();
        const create = () =>
          db.prisma.$transaction((tx) =>
            createTenantAtSignIn(tx, { tid, personal: false }, { trigger, id: "test" }, { days: 7, mode }),
          );
        if (trigger !== "trial-sign-in") {
          await expect(create()).rejects.toBeInstanceOf(TransitionRefused);
          expect(await db.prisma.tenant.count({ where: { id: tid } })).toBe(0);
          continue;
        }
        expect(await create()).toBe(true);
        expect(await create()).toBe(false); // the second sign-in joins it
        const tenant = await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } });
        expect(tenant.status).toBe(mode === "customer" ? "TRIAL" : "PENDING");
        expect(await db.prisma.auditEvent.count({ where: { tenantId: tid } })).toBe(1);
      }
    }
  });

  it("reinstates what the suspension interrupted", async () => {
    for (const from of ["PENDING", "TRIAL", "ACTIVE"] as const) {
      const tid = await tenantIn(from);
      await suspendTenant(db.prisma, tid);
      expect((await reinstateTenant(db.prisma, tid)).status).toBe(from);
    }
  });

  it("an admin sign-up racing a suspension never loses the suspension", async () => {
    for (let round = 0; round < 15; round++) {
      const tid = await tenantIn("PENDING");
      await Promise.all([
        recordAdminConsent(db.prisma, {
          tid,
          adminOid: randomUUID(),
          roles: ["Organization.Read.All"],
          trial: { days: 30, mode: "customer" },
        }),
        suspendTenant(db.prisma, tid, { reason: "race" }),
      ]);
      const tenant = await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } });
      expect(tenant.status, `round ${round}`).toBe("SUSPENDED");
      // Whichever went first, reinstating gives back what the suspension interrupted.
      const suspension = await db.prisma.auditEvent.findFirstOrThrow({
        where: { tenantId: tid, type: "tenant.suspended" },
      });
      expect((suspension.detail as { from: string }).from).toBe(tenant.statusBeforeSuspension);
      expect((await reinstateTenant(db.prisma, tid)).status).toBe(tenant.statusBeforeSuspension);
    }
  });

  it("an extension racing a suspension ends suspended, and the trial dates are the extension's or untouched", async () => {
    for (let round = 0; round < 15; round++) {
      const tid = await tenantIn("TRIAL");
      const results = await Promise.allSettled([extendTrial(db.prisma, tid, 5), suspendTenant(db.prisma, tid)]);
      const tenant = await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } });
      expect(tenant.status, `round ${round}`).toBe("SUSPENDED");
      // Either the extension ran first (both written), or it was refused against SUSPENDED.
      if (results[0].status === "rejected") expect(results[0].reason).toBeInstanceOf(TransitionRefused);
      const events = await db.prisma.auditEvent.count({ where: { tenantId: tid } });
      expect(events).toBe(results[0].status === "fulfilled" ? 2 : 1);
    }
  });
});
