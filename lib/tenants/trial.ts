// Who gets in at sign-in: the customer-led trial. The first person of an unknown organization
// starts its trial (or, in partner-led mode, asks for one) through the tenant lifecycle; everyone
// after joins that tenant. A personal Microsoft account gets a workspace of its own
// (./workspace.ts). This is the one code path that creates tenant rows (../SECURITY.md "Tenants
// and users").
import type { Database } from "../db/client";
import { createTenantAtSignIn, type Actor, type TrialMode } from "./lifecycle";
import { takeSeat } from "./seats";
import { isPersonalAccount, workspaceIdFor } from "./workspace";

export type Signup = {
  /** The Entra tenant id of the ID token (for personal accounts, the shared 9188040d-...). */
  tid: string;
  oid: string;
  name?: string;
  email?: string;
  /** AppSource's and campaigns' query parameters (source, utm_*), already validated. */
  source?: Record<string, string>;
  /** The admin sign-up's administrator signing in (a new organization counts as its sign-up). */
  channel?: "TRIAL" | "ADMIN_SIGNUP";
};

export type TrialSettings = { days: number; mode: TrialMode; now?: Date };

export type Admission = { userId: string; tenantId: string; tenantCreated: boolean; userCreated: boolean };

/**
 * Records the person and, for an unknown tenant, the tenant; in one transaction, so the database
 * never holds a tenant without its first user. Safe under concurrency: twenty first sign-ins of
 * one tenant at once make one tenant and twenty users, and nobody sees a unique-constraint error.
 */
export async function admitUser(prisma: Database, signup: Signup, settings: TrialSettings): Promise<Admission> {
  const now = settings.now ?? new Date();
  const personal = isPersonalAccount(signup.tid);
  const tenantId = workspaceIdFor(signup.tid, signup.oid);
  const actor: Actor = { trigger: "trial-sign-in", id: `user:${signup.tid}/${signup.oid}` };
  const admission = await prisma.$transaction(async (tx) => {
    const tenantCreated = await createTenantAtSignIn(
      tx,
      {
        tid: tenantId,
        personal,
        displayName: personal ? (signup.name ?? signup.email ?? null) : null,
        source: signup.source,
        contact: { name: signup.name, email: signup.email },
        channel: signup.channel,
      },
      actor,
      { ...settings, now },
    );

    const inserted = await tx.user.createMany({
      data: [
        {
          tenantId,
          oid: signup.oid,
          displayName: signup.name ?? null,
          email: signup.email ?? null,
          // The person who starts the trial administers the app for their organization.
          role: tenantCreated ? "ADMIN" : "MEMBER",
          lastSignInAt: now,
        },
      ],
      skipDuplicates: true,
    });
    const userCreated = inserted.count === 1;
    // Display data follows the directory; identity stays (tid, oid).
    const user = await tx.user.update({
      where: { tenantId_oid: { tenantId, oid: signup.oid } },
      data: { displayName: signup.name ?? null, email: signup.email ?? null, lastSignInAt: now },
      select: { id: true },
    });
    if (userCreated && !tenantCreated) {
      await tx.auditEvent.create({ data: { tenantId, actor: actor.id, type: "user.joined", detail: {} } });
    }
    const { seatLimit } = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { seatLimit: true } });
    return { userId: user.id, tenantId, tenantCreated, userCreated, seatLimit };
  });
  const { seatLimit, ...result } = admission;
  // Under a per-user plan, a free seat is taken now; in a transaction of its own that locks the
  // tenant's row first, as every seat count does (./seats.ts).
  if (seatLimit !== null) await prisma.$transaction((tx) => takeSeat(tx, tenantId, result.userId, now));
  return result;
}
