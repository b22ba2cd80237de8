import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { databaseTargets, migratedDatabase } from "@/test/databases";
import { accessOf, openSession } from "@/test/sessions";
import { findSession } from "../auth/session";
import { decideAccess } from "./gate";
import { changeMember, TeamChangeRefused } from "./team";
import { admitUser } from "./trial";

describe.each(databaseTargets)("the team's admins on $name", (target) => {
  const db = migratedDatabase(target, { poolMax: target.name === "PGlite" ? 1 : 10 });
  const settings = { days: 30, mode: "customer" as const };

  async function team() {
    const tid = randomUUID();
    const first = await admitUser(db.prisma, { tid, oid: randomUUID(), name: "Adele" }, settings);
    const second = await admitUser(db.prisma, { tid, oid: randomUUID(), name: "Alex" }, settings);
    return {
      tid,
      admin: await accessOf(db.prisma, first.userId, tid),
      member: await accessOf(db.prisma, second.userId, tid),
      second,
    };
  }

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => "done",
      (error: unknown) => (error instanceof TeamChangeRefused ? error.reason : String(error)),
    );

  it("lets an admin promote, demote, suspend and reactivate a colleague, each with an audit event", async () => {
    const { tid, admin, second } = await team();
    for (const change of ["promote", "demote", "suspend", "reactivate"] as const) {
      await changeMember(db.prisma, admin, second.userId, change);
    }
    expect(await db.prisma.user.findUniqueOrThrow({ where: { id: second.userId } })).toMatchObject({
      role: "MEMBER",
      suspendedAt: null,
    });
    const events = await db.prisma.auditEvent.findMany({ where: { tenantId: tid, type: { startsWith: "user." } } });
    expect(events.map((event) => event.type).sort()).toEqual(
      ["user.demoted", "user.joined", "user.promoted", "user.reactivated", "user.suspended"].sort(),
    );
  });

  it("a suspended person is turned away at their next request", async () => {
    const { admin, second } = await team();
    const token = await openSession(db.prisma, second.userId, admin.tenantId);
    await changeMember(db.prisma, admin, second.userId, "suspend");
    expect(decideAccess(await findSession(db.prisma, token)).kind).toBe("user-suspended");
  });

  it("refuses a member, a person of another tenant, and the last admin's demotion or suspension", async () => {
    const { admin, member, second } = await team();
    expect(await refusal(changeMember(db.prisma, member, admin.userId, "demote"))).toBe("not-admin");
    expect(await refusal(changeMember(db.prisma, member, second.userId, "promote"))).toBe("not-admin");
    const other = await team();
    expect(await refusal(changeMember(db.prisma, admin, other.second.userId, "suspend"))).toBe("not-found");
    expect(await refusal(changeMember(db.prisma, admin, admin.userId, "demote"))).toBe("last-admin");
    expect(await refusal(changeMember(db.prisma, admin, admin.userId, "suspend"))).toBe("self");
    expect(await db.prisma.user.findUniqueOrThrow({ where: { id: admin.userId } })).toMatchObject({ role: "ADMIN" });
    expect(await db.prisma.user.findUniqueOrThrow({ where: { id: other.second.userId } })).toMatchObject({
      suspendedAt: null,
    });
  });

  it("two admins demoting each other at once leave one admin", async () => {
    for (let round = 0; round < 10; round++) {
      const { tid, admin, member, second } = await team();
      await changeMember(db.prisma, admin, second.userId, "promote");
      const results = await Promise.all([
        refusal(changeMember(db.prisma, admin, second.userId, "demote")),
        refusal(changeMember(db.prisma, member, admin.userId, "demote")),
      ]);
      // The first demotion wins; the other finds its author no longer an admin.
      expect(results.sort(), `round ${round}`).toEqual(["done", "not-admin"]);
      expect(await db.prisma.user.count({ where: { tenantId: tid, role: "ADMIN" } })).toBe(1);
    }
  });
});
