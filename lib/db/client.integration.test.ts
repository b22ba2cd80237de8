import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { databaseTargets, migratedDatabase } from "@/test/databases";
import { Prisma } from "./generated/client";

describe.each(databaseTargets)("the data model on $name", (target) => {
  const db = migratedDatabase(target);

  const newTenant = (name = "Contoso") =>
    db.prisma.tenant.create({ data: { id: randomUUID(), displayName: name, primaryDomain: "contoso.example" } });

  it("creates a tenant on trial by default, keyed by the Entra tenant id", async () => {
    const id = randomUUID();
    const tenant = await db.prisma.tenant.create({ data: { id } });
    expect(tenant).toMatchObject({ id, status: "TRIAL", consentType: "USER", trialStartsAt: null });
    expect(tenant.createdAt).toBeInstanceOf(Date);
  });

  it("refuses a tenant id that is not a UUID", async () => {
    await expect(db.prisma.tenant.create({ data: { id: "contoso.onmicrosoft.com" } })).rejects.toThrow();
  });

  it("knows a user by (tenant, oid): a second row for the same pair is refused", async () => {
    const tenant = await newTenant();
    const oid = randomUUID();
    await db.prisma.user.create({ data: { tenantId: tenant.id, oid, displayName: "Megan" } });
    const duplicate = db.prisma.user.create({ data: { tenantId: tenant.id, oid, displayName: "Megan again" } });
    await expect(duplicate).rejects.toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    await expect(duplicate).rejects.toMatchObject({ code: "P2002" });
  });

  it("keeps working right after a refused write (the connection is not left broken)", async () => {
    const tenant = await newTenant();
    const oid = randomUUID();
    await db.prisma.user.create({ data: { tenantId: tenant.id, oid } });
    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(db.prisma.user.create({ data: { tenantId: tenant.id, oid } })).rejects.toMatchObject({
        code: "P2002",
      });
      await expect(db.prisma.user.count({ where: { tenantId: tenant.id } })).resolves.toBe(1);
    }
  });

  it("keeps two users of two tenants apart even with the same object id and e-mail", async () => {
    const [contoso, fabrikam] = [await newTenant("Contoso"), await newTenant("Fabrikam")];
    const oid = randomUUID();
    const email = "megan@shared.example";
    await db.prisma.user.create({ data: { tenantId: contoso.id, oid, email } });
    await db.prisma.user.create({ data: { tenantId: fabrikam.id, oid, email } });
    // E-mail is display data: not unique, even within one tenant.
    await db.prisma.user.create({ data: { tenantId: contoso.id, oid: randomUUID(), email } });

    expect(await db.prisma.user.count({ where: { email } })).toBe(3);
    const found = await db.prisma.user.findUnique({ where: { tenantId_oid: { tenantId: fabrikam.id, oid } } });
    expect(found?.tenantId).toBe(fabrikam.id);
  });

  it("refuses a user whose tenant does not exist", async () => {
    await expect(db.prisma.user.create({ data: { tenantId: randomUUID(), oid: randomUUID() } })).rejects.toMatchObject({
      code: "P2003",
    });
  });

  it("removes a tenant's users with it, and keeps its audit events without the link", async () => {
    const tenant = await newTenant();
    await db.prisma.user.create({ data: { tenantId: tenant.id, oid: randomUUID() } });
    const event = await db.prisma.auditEvent.create({
      data: { tenantId: tenant.id, actor: "system", type: "tenant.trial_started", detail: { days: 30 } },
    });

    await db.prisma.tenant.delete({ where: { id: tenant.id } });

    expect(await db.prisma.user.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await db.prisma.auditEvent.findUnique({ where: { id: event.id } })).toMatchObject({
      tenantId: null,
      type: "tenant.trial_started",
      detail: { days: 30 },
    });
  });

  it("lists a tenant's latest audit events first, through the index made for it", async () => {
    const tenant = await newTenant();
    const start = Date.parse("2026-01-01T00:00:00Z");
    for (const [minutes, type] of [
      [1, "a"],
      [3, "c"],
      [2, "b"],
    ] as const) {
      await db.prisma.auditEvent.create({
        data: { tenantId: tenant.id, actor: "system", type, occurredAt: new Date(start + minutes * 60_000) },
      });
    }
    const latest = await db.prisma.auditEvent.findMany({
      where: { tenantId: tenant.id },
      orderBy: { occurredAt: "desc" },
      take: 2,
    });
    expect(latest.map((event) => event.type)).toEqual(["c", "b"]);

    const plan = await db.prisma.$transaction(async (tx) => {
      // Tables this small are read whole unless told otherwise; the question is whether the
      // index can serve the query at all.
      await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
      return tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
        `EXPLAIN SELECT * FROM audit_event WHERE tenant_id = '${tenant.id}' ORDER BY occurred_at DESC LIMIT 20`,
      );
    });
    expect(plan.map((row) => row["QUERY PLAN"]).join("\n")).toContain("audit_event_tenant_id_occurred_at_idx");
  });
});
