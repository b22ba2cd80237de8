// The organization's people, as its admins manage them: promote, demote, suspend, reactivate,
// and, under a per-user plan, free a seat or give one (./seats.ts).
// Beside the gate: every change takes the gate's TenantAccess, re-reads the acting person's role
// from the database (never from the browser), touches people of the same tenant only, and keeps
// at least one active admin. Each change runs in one transaction that locks the tenant's active
// admins (SELECT ... FOR UPDATE), so two admins demoting each other at once cannot leave none,
// and writes its audit event. A suspended person meets their page at their next request (the
// gate reads `suspended_at` each time).
import type { Database } from "../db/client";
import type { TenantAccess } from "./gate";
import { seatsInUse } from "./seats";

export const TEAM_CHANGES = ["promote", "demote", "suspend", "reactivate", "free-seat", "give-seat"] as const;
export type TeamChange = (typeof TEAM_CHANGES)[number];

export type TeamRefusal = "not-admin" | "not-found" | "last-admin" | "self" | "no-free-seat" | "no-seat-held";

export class TeamChangeRefused extends Error {
  constructor(readonly reason: TeamRefusal) {
    super(`Team change refused: ${reason}`);
    this.name = "TeamChangeRefused";
  }
}

const EVENTS: Record<TeamChange, string> = {
  promote: "user.promoted",
  demote: "user.demoted",
  suspend: "user.suspended",
  reactivate: "user.reactivated",
  "free-seat": "user.seat_freed",
  "give-seat": "user.seat_assigned",
};

/** What a change writes on the member's row. */
function memberUpdate(change: TeamChange, now: Date) {
  switch (change) {
    case "promote":
      return { role: "ADMIN" as const };
    case "demote":
      return { role: "MEMBER" as const };
    case "suspend":
      // A suspended person holds no seat.
      return { suspendedAt: now, seatAssignedAt: null };
    case "reactivate":
      return { suspendedAt: null };
    case "free-seat":
      return { seatAssignedAt: null, seatRemovedAt: now };
    case "give-seat":
      return { seatAssignedAt: now, seatRemovedAt: null };
  }
}

export async function changeMember(
  prisma: Database,
  access: TenantAccess,
  memberId: string,
  change: TeamChange,
  now = new Date(),
): Promise<void> {
  await prisma.$transaction(async (tx) => {
    // The tenant's row first, as every seat count does (./seats.ts): one lock order, no deadlock.
    const [tenant] = await tx.$queryRaw<{ seatLimit: number | null }[]>`
      SELECT seat_limit AS "seatLimit" FROM tenant WHERE id = ${access.tenantId}::uuid FOR UPDATE`;
    const admins = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM "user"
       WHERE tenant_id = ${access.tenantId}::uuid AND role = 'ADMIN' AND suspended_at IS NULL
       FOR UPDATE`;
    if (!admins.some((admin) => admin.id === access.userId)) throw new TeamChangeRefused("not-admin");
    const member = await tx.user.findFirst({ where: { id: memberId, tenantId: access.tenantId } });
    if (!member) throw new TeamChangeRefused("not-found");
    if ((change === "suspend" || change === "free-seat") && member.id === access.userId) {
      throw new TeamChangeRefused("self");
    }
    if (change === "free-seat" && !member.seatAssignedAt) throw new TeamChangeRefused("no-seat-held");
    if (change === "give-seat") {
      const limit = tenant?.seatLimit ?? null;
      if (
        member.suspendedAt ||
        member.seatAssignedAt ||
        limit === null ||
        (await seatsInUse(tx, access.tenantId)) >= limit
      ) {
        throw new TeamChangeRefused("no-free-seat");
      }
    }
    const activeAdmin = member.role === "ADMIN" && !member.suspendedAt;
    if ((change === "demote" || change === "suspend") && activeAdmin && admins.length <= 1) {
      throw new TeamChangeRefused("last-admin");
    }
    await tx.user.update({ where: { id: member.id }, data: memberUpdate(change, now) });
    await tx.auditEvent.create({
      data: {
        tenantId: access.tenantId,
        actor: `user:${access.tenantId}/${access.oid}`,
        type: EVENTS[change],
        detail: { userId: member.id, oid: member.oid, name: member.displayName },
      },
    });
  });
}
