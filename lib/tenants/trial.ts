// Who gets in at sign-in: the customer-led trial. The first person of an unknown tenant starts
// its trial (or, in partner-led mode, asks for one); everyone after joins that tenant. This is
// the one code path that creates tenant rows (../SECURITY.md: "Tenants and users").
import type { Database } from "../db/client";
import { Prisma } from "../db/generated/client";

export type Signup = {
  tid: string;
  oid: string;
  name?: string;
  email?: string;
  /** AppSource's and campaigns' query parameters (source, utm_*), already validated. */
  source?: Record<string, string>;
};

export type TrialSettings = { days: number; mode: "customer" | "partner"; now?: Date };

export type Admission = { userId: string; tenantCreated: boolean; userCreated: boolean };

/**
 * Records the person and, for an unknown tenant, the tenant; in one transaction, so the database
 * never holds a tenant without its first user. Safe under concurrency: twenty first sign-ins of
 * one tenant at once make one tenant (INSERT ... ON CONFLICT DO NOTHING decides who was first)
 * and twenty users, and nobody sees a unique-constraint error.
 */
export async function admitUser(prisma: Database, signup: Signup, settings: TrialSettings): Promise<Admission> {
  const now = settings.now ?? new Date();
  const partnerLed = settings.mode === "partner";
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.tenant.createMany({
      data: [
        {
          id: signup.tid,
          // Partner-led: the trial starts when the vendor approves it (npm run tenants -- approve).
          status: partnerLed ? "PENDING" : "TRIAL",
          consentType: "USER",
          trialStartsAt: partnerLed ? null : now,
          trialEndsAt: partnerLed ? null : new Date(now.getTime() + settings.days * 86_400_000),
          signupSource: signup.source ?? Prisma.DbNull,
          contactName: partnerLed ? (signup.name ?? null) : null,
          contactEmail: partnerLed ? (signup.email ?? null) : null,
        },
      ],
      skipDuplicates: true,
    });
    const tenantCreated = count === 1;

    const inserted = await tx.user.createMany({
      data: [
        {
          tenantId: signup.tid,
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
      where: { tenantId_oid: { tenantId: signup.tid, oid: signup.oid } },
      data: { displayName: signup.name ?? null, email: signup.email ?? null, lastSignInAt: now },
      select: { id: true },
    });

    const actor = `user:${signup.tid}/${signup.oid}`;
    if (tenantCreated) {
      await tx.auditEvent.create({
        data: {
          tenantId: signup.tid,
          actor,
          type: partnerLed ? "tenant.trial_requested" : "tenant.trial_started",
          detail: { days: partnerLed ? null : settings.days, source: signup.source ?? null },
        },
      });
    } else if (userCreated) {
      await tx.auditEvent.create({ data: { tenantId: signup.tid, actor, type: "user.joined", detail: {} } });
    }
    return { userId: user.id, tenantCreated, userCreated };
  });
}
