import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { databaseTargets, migratedDatabase } from "@/test/databases";
import { effectiveStatus } from "./gate";
import { admitUser } from "./trial";

describe.each(databaseTargets)("npm run tenants on $name", (target) => {
  const db = migratedDatabase(target, { poolMax: 1 });

  // The real command, as an operator runs it (its own process, its own connection). Not spawnSync:
  // the PGlite server of this test lives in this process and must keep answering.
  const tenants = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        [path.join("node_modules", "tsx", "dist", "cli.mjs"), "scripts/tenants.ts", ...args],
        {
          env: {
            PATH: process.env.PATH,
            NODE_ENV: "production",
            DATABASE_URL: db.url,
            DATABASE_POOL_MAX: "1",
            TRIAL_DAYS: "14",
          },
          encoding: "utf8",
        },
        (_error, stdout, stderr) => resolve({ status: child.exitCode, stdout, stderr }),
      );
    });

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
    expect((await tenants("suspend", "not-a-guid")).status).toBe(2);
    expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id: tid } })).status).toBe("TRIAL");
  });
});
