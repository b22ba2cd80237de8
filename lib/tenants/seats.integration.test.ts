import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { databaseTargets, migratedDatabase } from "@/test/databases";
import { accessOf, openSession } from "@/test/sessions";
import { findSession } from "../auth/session";
import { decideAccess } from "./gate";
import { applySeatLimit } from "./seats";
import { changeMember, TeamChangeRefused } from "./team";
import { admitUser } from "./trial";

describe.each(databaseTargets)("seats of a per-user plan on $name", (target) => {
  const db = migratedDatabase(target, { poolMax: target.name === "PGlite" ? 1 : 10 });
  const trial = { days: 30, mode: "customer" as const };

  /** An ACTIVE tenant whose first person (its admin) signed in; `limit` seats. */
  async function tenantWith(limit: number) {
    const tid = randomUUID();
    const admin = await admitUser(db.prisma, { tid, oid: randomUUID(), name: "Admin" }, trial);
    await db.prisma.tenant.update({ where: { id: tid }, data: { status: "ACTIVE", trialEndsAt: null } });
    await db.prisma.$transaction((tx) => applySeatLimit(tx, tid, limit));
    return { tid, adminId: admin.userId };
  }
  const gate = async (userId: string, tid: string) =>
    decideAccess(await findSession(db.prisma, await openSession(db.prisma, userId, tid))).kind;
  const holders = (tid: string) => db.prisma.user.count({ where: { tenantId: tid, seatAssignedAt: { not: null } } });

  it("gives the admin a seat when the limit comes, and lets no more people in than seats, however many sign in at once", async () => {
    const { tid, adminId } = await tenantWith(3);
    expect(await gate(adminId, tid)).toBe("allowed");
    const people = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        admitUser(db.prisma, { tid, oid: randomUUID(), name: `P${index}` }, trial),
      ),
    );
    expect(await holders(tid)).toBe(3);
    const kinds = await Promise.all(people.map((person) => gate(person.userId, tid)));
    expect(kinds.filter((kind) => kind === "allowed")).toHaveLength(2);
    expect(kinds.filter((kind) => kind === "no-seat")).toHaveLength(4);
  });

  it("lets an admin free a seat and give it to someone else; the freed person does not take it back by signing in", async () => {
    const { tid, adminId } = await tenantWith(2);
    const firstOid = randomUUID();
    const first = await admitUser(db.prisma, { tid, oid: firstOid, name: "First" }, trial);
    const second = await admitUser(db.prisma, { tid, oid: randomUUID(), name: "Second" }, trial);
    expect(await gate(second.userId, tid)).toBe("no-seat");
    const admin = await accessOf(db.prisma, adminId, tid);

    await expect(changeMember(db.prisma, admin, second.userId, "give-seat")).rejects.toEqual(
      new TeamChangeRefused("no-free-seat"),
    );
    await changeMember(db.prisma, admin, first.userId, "free-seat");
    expect(await gate(first.userId, tid)).toBe("no-seat");
    // The freed one signs in again: the free seat is not taken back.
    await admitUser(db.prisma, { tid, oid: firstOid, name: "First" }, trial);
    expect(await gate(first.userId, tid)).toBe("no-seat");
    await expect(changeMember(db.prisma, admin, first.userId, "free-seat")).rejects.toEqual(
      new TeamChangeRefused("no-seat-held"),
    );
    await changeMember(db.prisma, admin, second.userId, "give-seat");
    expect(await gate(second.userId, tid)).toBe("allowed");
    expect(await holders(tid)).toBe(2);
    await expect(changeMember(db.prisma, admin, adminId, "free-seat")).rejects.toEqual(new TeamChangeRefused("self"));
    const events = await db.prisma.auditEvent.findMany({ where: { tenantId: tid, type: "user.seat_freed" } });
    expect(events).toHaveLength(1);
  });

  it("keeps holders first, then admins, then the most recent, when the limit changes; suspended people hold none", async () => {
    const { tid, adminId } = await tenantWith(10);
    const members = [];
    for (let index = 0; index < 4; index++) {
      members.push(await admitUser(db.prisma, { tid, oid: randomUUID(), name: `M${index}` }, trial));
    }
    const admin = await accessOf(db.prisma, adminId, tid);
    await changeMember(db.prisma, admin, members[0]!.userId, "suspend");
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: members[0]!.userId } })).seatAssignedAt).toBeNull();
    await db.prisma.$transaction((tx) => applySeatLimit(tx, tid, 2));
    expect(await holders(tid)).toBe(2);
    expect(await gate(adminId, tid)).toBe("allowed");
    // Back to a flat rate: nobody is limited.
    await db.prisma.$transaction((tx) => applySeatLimit(tx, tid, null));
    expect(await gate(members[3]!.userId, tid)).toBe("allowed");
  });
});
