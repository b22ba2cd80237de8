// What an operator does to a tenant (npm run tenants -- <command>): approve a partner-led trial,
// extend a trial, activate, suspend and reinstate. Each change and its audit event are written in
// one transaction; open sessions see it at their next request (the gate reads the row each time).
import type { Database } from "../db/client";
import type { TenantStatus } from "../db/generated/enums";

export class TenantLifecycleError extends Error {}

const DAY = 86_400_000;
const actor = "operator";

async function tenantOrFail(prisma: Database, tid: string) {
  const tenant = await prisma.tenant.findUnique({ where: { id: tid } });
  if (!tenant) throw new TenantLifecycleError(`No tenant ${tid}. See: npm run tenants -- list`);
  return tenant;
}

/** Partner-led: the vendor approves a PENDING tenant, which starts its trial now. */
export async function approveTrial(prisma: Database, tid: string, days: number, now = new Date()) {
  const tenant = await tenantOrFail(prisma, tid);
  if (tenant.status !== "PENDING") throw new TenantLifecycleError(`Tenant ${tid} is ${tenant.status}, not PENDING.`);
  return change(
    prisma,
    tid,
    "tenant.trial_approved",
    { days },
    {
      status: "TRIAL",
      trialStartsAt: now,
      trialEndsAt: new Date(now.getTime() + days * DAY),
    },
  );
}

/** Adds days to a trial (from today if it has ended), and reopens an expired trial. */
export async function extendTrial(prisma: Database, tid: string, days: number, now = new Date()) {
  if (!Number.isInteger(days) || days < 1 || days > 365) throw new TenantLifecycleError("days: expected 1 to 365");
  const tenant = await tenantOrFail(prisma, tid);
  if (tenant.status !== "TRIAL" && tenant.status !== "EXPIRED") {
    throw new TenantLifecycleError(`Tenant ${tid} is ${tenant.status}: only trials can be extended.`);
  }
  const from = Math.max(now.getTime(), tenant.trialEndsAt?.getTime() ?? 0);
  return change(
    prisma,
    tid,
    "tenant.trial_extended",
    { days },
    { status: "TRIAL", trialEndsAt: new Date(from + days * DAY) },
  );
}

/** A paying customer: no end date. */
export async function activateTenant(prisma: Database, tid: string) {
  await tenantOrFail(prisma, tid);
  return change(prisma, tid, "tenant.activated", {}, { status: "ACTIVE" });
}

export async function suspendTenant(prisma: Database, tid: string) {
  const tenant = await tenantOrFail(prisma, tid);
  if (tenant.status === "SUSPENDED") throw new TenantLifecycleError(`Tenant ${tid} is already suspended.`);
  return change(prisma, tid, "tenant.suspended", { previousStatus: tenant.status }, { status: "SUSPENDED" });
}

/** Back to what it was before the suspension (recorded in the suspension's audit event). */
export async function reinstateTenant(prisma: Database, tid: string) {
  const tenant = await tenantOrFail(prisma, tid);
  if (tenant.status !== "SUSPENDED")
    throw new TenantLifecycleError(`Tenant ${tid} is ${tenant.status}, not SUSPENDED.`);
  const suspension = await prisma.auditEvent.findFirst({
    where: { tenantId: tid, type: "tenant.suspended" },
    orderBy: { occurredAt: "desc" },
  });
  const previous = (suspension?.detail as { previousStatus?: TenantStatus } | null)?.previousStatus;
  const status: TenantStatus =
    previous && previous !== "SUSPENDED" ? previous : tenant.trialEndsAt ? "TRIAL" : "ACTIVE";
  return change(prisma, tid, "tenant.reinstated", { status }, { status });
}

export function listTenants(prisma: Database) {
  return prisma.tenant.findMany({
    orderBy: { createdAt: "desc" },
    take: 500,
    include: { _count: { select: { users: true } } },
  });
}

async function change(
  prisma: Database,
  tid: string,
  type: string,
  detail: Record<string, unknown>,
  data: { status: TenantStatus; trialStartsAt?: Date; trialEndsAt?: Date },
) {
  const [tenant] = await prisma.$transaction([
    prisma.tenant.update({ where: { id: tid }, data }),
    prisma.auditEvent.create({ data: { tenantId: tid, actor, type, detail: detail as object } }),
  ]);
  return tenant;
}
