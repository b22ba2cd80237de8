// The organization's people, as its admins manage them: promote, demote, suspend, reactivate.
// Beside the gate: every change takes the gate's TenantAccess, re-reads the acting person's role
// from the database (never from the browser), touches people of the same tenant only, and keeps
// at least one active admin. Each change runs in one transaction that locks the tenant's active
// admins (SELECT ... FOR UPDATE), so two admins demoting each other at once cannot leave none,
// and writes its audit event. A suspended person meets their page at their next request (the
// gate reads `suspended_at` each time).
import type { Database } from "../db/client";
import type { TenantAccess } from "./gate";

export const TEAM_CHANGES = ["promote", "demote", "suspend", "reactivate"] as const;
export type TeamChange = (typeof TEAM_CHANGES)[number];

export type TeamRefusal = "not-admin" | "not-found" | "last-admin" | "self";

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
};

export async function changeMember(
  prisma: Database,
  access: TenantAccess,
  memberId: string,
  change: TeamChange,
  now = new Date(),
): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const admins = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM "user"
       WHERE tenant_id = ${access.tenantId}::uuid AND role = 'ADMIN' AND suspended_at IS NULL
       FOR UPDATE`;
    if (!admins.some((admin) => admin.id === access.userId)) throw new TeamChangeRefused("not-admin");
    const member = await tx.user.findFirst({ where: { id: memberId, tenantId: access.tenantId } });
    if (!member) throw new TeamChangeRefused("not-found");
    if (change === "suspend" && member.id === access.userId) throw new TeamChangeRefused("self");
    const activeAdmin = member.role === "ADMIN" && !member.suspendedAt;
    if ((change === "demote" || change === "suspend") && activeAdmin && admins.length <= 1) {
      throw new TeamChangeRefused("last-admin");
    }
    await tx.user.update({
      where: { id: member.id },
      data:
        change === "promote"
          ? { role: "ADMIN" }
          : change === "demote"
            ? { role: "MEMBER" }
            : { suspendedAt: change === "suspend" ? now : null },
    });
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
