import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { databaseTargets, migratedDatabase } from "@/test/databases";
import { applyOperatorAction } from "./actions";
import { auditLog } from "./audit";
import { decideOperatorAccess, type OperatorAccess } from "./gate";
import { overview } from "./overview";
import { listTenants, tenantsCsv } from "./tenants";

const PUBLISHER = "7d4b2e8f-5a6c-4f1d-ab9e-4a5f6e7d8c93";
const DAY = 86_400_000;

function operator(role: "OPERATOR" | "READER" = "OPERATOR"): OperatorAccess {
  const decision = decideOperatorAccess(
    {
      tenantId: PUBLISHER,
      oid: randomUUID(),
      name: "Pat Operator",
      email: "pat@adatum.com",
      role,
      expiresAt: new Date(Date.now() + 60_000),
    },
    PUBLISHER,
  );
  if (decision.kind !== "allowed") throw new Error("not allowed");
  return decision.access;
}

describe.each(databaseTargets)("the operator console's data on $name", (target) => {
  const db = migratedDatabase(target, { poolMax: target.name === "PGlite" ? 1 : 10 });

  /** `count` tenants of a run (a domain of their own), one a minute apart, newest last. */
  async function seed(count: number, base = new Date("2026-10-01T00:00:00Z")) {
    const run = randomUUID().slice(0, 8);
    const ids: string[] = [];
    for (let index = 0; index < count; index++) {
      const id = randomUUID();
      ids.push(id);
      await db.prisma.tenant.create({
        data: {
          id,
          displayName: `Org ${run} ${String(index).padStart(3, "0")}`,
          primaryDomain: `org${index}.${run}.example`,
          status: index % 3 === 0 ? "ACTIVE" : "TRIAL",
          trialEndsAt: index % 3 === 0 ? null : new Date(Date.now() + (index % 2 ? 1 : -1) * (index + 1) * DAY),
          createdAt: new Date(base.getTime() + index * 60_000),
        },
      });
    }
    return { run, ids };
  }

  it("pages through a search by keyset, each tenant once, in order, by creation or trial end", async () => {
    const { run, ids } = await seed(23);
    const access = operator();
    for (const sort of ["created", "trial-end"] as const) {
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const page = await listTenants(db.prisma, access, { q: `org`, sort, after }, 5);
        const mine = page.rows.filter((row) => row.primaryDomain?.endsWith(`.${run}.example`));
        seen.push(...mine.map((row) => row.id));
        after = page.next ?? undefined;
      } while (after);
      expect(new Set(seen).size, sort).toBe(23);
      expect(seen.length, sort).toBe(23);
      if (sort === "created") expect(seen).toEqual([...ids].reverse());
    }
  });

  it("finds a tenant by id, by domain prefix and by name, and filters by the status people see", async () => {
    const { run, ids } = await seed(6);
    const access = operator();
    expect((await listTenants(db.prisma, access, { q: ids[2]!.toUpperCase() })).rows.map((row) => row.id)).toEqual([
      ids[2],
    ]);
    expect((await listTenants(db.prisma, access, { q: `org4.${run}` })).rows.map((row) => row.id)).toEqual([ids[4]]);
    expect((await listTenants(db.prisma, access, { q: `org ${run} 00` })).rows).toHaveLength(6);
    // LIKE's wildcards are plain text in a search.
    expect((await listTenants(db.prisma, access, { q: `org_.${run}` })).rows).toHaveLength(0);
    const expired = await listTenants(db.prisma, access, { q: `org ${run}`, status: "EXPIRED" });
    // Index 2 and 4 ended (trial in the past); 1 and 5 run on.
    expect(expired.rows.map((row) => row.id).sort()).toEqual([ids[2], ids[4]].sort());
    const trial = await listTenants(db.prisma, access, { q: `org ${run}`, status: "TRIAL" });
    expect(trial.rows.map((row) => row.id).sort()).toEqual([ids[1], ids[5]].sort());
  });

  it("streams the CSV of the current filter, every row once", async () => {
    const { run } = await seed(12);
    const response = new Response(tenantsCsv(db.prisma, operator(), { q: `org ${run}`, status: "ACTIVE" }));
    const lines = (await response.text()).trim().split("\r\n");
    expect(lines[0]).toBe("tenant_id,name,domain,status,signup_channel,trial_ends_at,created_at");
    expect(lines).toHaveLength(1 + 4);
    expect(lines.slice(1).every((line) => line.includes(",ACTIVE,TRIAL,"))).toBe(true);
  });

  it("changes a tenant through the lifecycle with the operator and the reason in the audit log; a reader changes nothing", async () => {
    const { ids } = await seed(1);
    const [id] = ids as [string];
    const pat = operator();
    expect(
      await applyOperatorAction(
        db.prisma,
        operator("READER"),
        { tenantId: id, action: "suspend", reason: "abuse", confirmed: "yes" },
        30,
      ),
    ).toEqual({
      ok: false,
      message: "Your role (Operator.Read) lets you read the console only.",
    });
    expect((await db.prisma.tenant.findUniqueOrThrow({ where: { id } })).status).toBe("ACTIVE");
    expect(
      await applyOperatorAction(
        db.prisma,
        pat,
        { tenantId: id, action: "suspend", reason: "Unpaid invoice 42", confirmed: "yes" },
        30,
      ),
    ).toEqual({
      ok: true,
      status: "SUSPENDED",
    });
    const refused = await applyOperatorAction(
      db.prisma,
      pat,
      { tenantId: id, action: "approve", reason: "why not", confirmed: "yes" },
      30,
    );
    expect(refused).toMatchObject({ ok: false, message: expect.stringContaining("is SUSPENDED, not PENDING") });
    const { rows } = await auditLog(db.prisma, pat, { tenantId: id, type: "tenant.suspended" });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor: pat.actorId,
      detail: { reason: "Unpaid invoice 42", operator: "Pat Operator" },
    });
    expect((await auditLog(db.prisma, pat, { actor: pat.actorId })).rows).toHaveLength(1);
  });

  it("pages through the audit log by keyset", async () => {
    const tenantId = randomUUID();
    await db.prisma.tenant.create({ data: { id: tenantId, status: "ACTIVE" } });
    for (let index = 0; index < 7; index++) {
      await db.prisma.auditEvent.create({
        data: {
          tenantId,
          actor: "system",
          type: `test.${index}`,
          occurredAt: new Date(Date.UTC(2026, 0, 1, 0, index)),
        },
      });
    }
    const types: string[] = [];
    let after: string | undefined;
    do {
      const page = await auditLog(db.prisma, operator(), { tenantId, after }, 3);
      types.push(...page.rows.map((row) => row.type));
      after = page.next ?? undefined;
    } while (after);
    expect(types).toEqual(["test.6", "test.5", "test.4", "test.3", "test.2", "test.1", "test.0"]);
  });

  it("counts the overview: sign-ups by day and channel, trials ending this week, conversion", async () => {
    const now = new Date();
    const before = await overview(db.prisma, operator(), now);
    await db.prisma.tenant.create({
      data: { id: randomUUID(), status: "ACTIVE", signupChannel: "MARKETPLACE", createdAt: now },
    });
    await db.prisma.tenant.create({
      data: {
        id: randomUUID(),
        status: "TRIAL",
        signupChannel: "ADMIN_SIGNUP",
        trialEndsAt: new Date(now.getTime() + 3 * DAY),
        createdAt: now,
      },
    });
    await db.prisma.tenant.create({
      data: { id: randomUUID(), status: "TRIAL", trialEndsAt: new Date(now.getTime() - DAY), createdAt: now },
    });
    const after = await overview(db.prisma, operator(), now);
    const count = (figures: typeof after, status: string) =>
      figures.byStatus.find((row) => row.status === status)?.count ?? 0;
    // The ended trial counts as EXPIRED (as the gate sees it), the running one as TRIAL.
    expect(count(after, "EXPIRED") - count(before, "EXPIRED")).toBe(1);
    expect(count(after, "TRIAL") - count(before, "TRIAL")).toBe(1);
    expect(count(after, "ACTIVE") - count(before, "ACTIVE")).toBe(1);
    const today = (figures: typeof after) => figures.signupsPerDay.at(-1)!;
    expect(today(after).marketplace - today(before).marketplace).toBe(1);
    expect(today(after).trial - today(before).trial).toBe(1);
    expect(today(after).admin - today(before).admin).toBe(1);
    expect(after.trialsEndingCount - before.trialsEndingCount).toBe(1);
    expect(after.signupsPerDay).toHaveLength(30);
  });
});
