// One tenant, as the console shows it: the row, its status history, consent, subscriptions,
// people and latest audit events.
import type { Database } from "../db/client";
import { PERSON_FIELDS } from "../tenants/queries";
import type { OperatorAccess } from "./gate";

/** The audit events that change a tenant's status (lib/tenants/lifecycle.ts TRANSITIONS). */
const STATUS_EVENTS = [
  "tenant.trial_started",
  "tenant.trial_requested",
  "tenant.trial_approved",
  "tenant.trial_extended",
  "tenant.activated",
  "tenant.suspended",
  "tenant.reinstated",
  "tenant.ended",
];

export async function tenantDetail(prisma: Database, _access: OperatorAccess, tenantId: string) {
  const tenant = await prisma.tenant.findUnique({ where: { id: tenantId } });
  if (!tenant) return null;
  const [history, events, users, subscriptions] = await Promise.all([
    prisma.auditEvent.findMany({
      where: { tenantId, type: { in: STATUS_EVENTS } },
      orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
      take: 50,
    }),
    prisma.auditEvent.findMany({ where: { tenantId }, orderBy: [{ occurredAt: "desc" }, { id: "desc" }], take: 20 }),
    prisma.user.findMany({
      where: { tenantId },
      select: PERSON_FIELDS,
      orderBy: [{ lastSignInAt: { sort: "desc", nulls: "last" } }],
      take: 100,
    }),
    prisma.subscription.findMany({ where: { tenantId }, orderBy: { createdAt: "desc" }, take: 10 }),
  ]);
  return { tenant, history, events, users, subscriptions };
}

export type TenantDetail = NonNullable<Awaited<ReturnType<typeof tenantDetail>>>;
