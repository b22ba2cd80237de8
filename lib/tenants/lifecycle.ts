// THE tenant lifecycle: the only place that changes a tenant's status, its trial dates and its
// consent marks. Trial sign-in, admin sign-up, the command line (and, later, the operator console
// and the marketplace webhook) all come here. Each change is one transaction that locks the
// tenant's row (SELECT ... FOR UPDATE), checks the transition against the table below from the
// status it read, writes the row and its audit event; a transition the table does not allow from
// that status is refused with TransitionRefused, and nothing is written. Two changes racing on one
// tenant are applied one after the other, each against what the other left: a suspension is never
// lost to an admin sign-up that read the row before it.
import type { Database } from "../db/client";
import { Prisma } from "../db/generated/client";
import type { SuspensionReason, TenantStatus } from "../db/generated/enums";
import { effectiveStatus } from "./gate";

type Tx = Prisma.TransactionClient;

/** Who asks for a change. */
export type Trigger = "trial-sign-in" | "admin-sign-up" | "operator" | "marketplace";

/** Who, for the audit event: e.g. `user:<tid>/<oid>`, `operator:cli`; and why, when a person says. */
export type Actor = { trigger: Trigger; id: string; reason?: string };

export type TrialMode = "customer" | "partner";

/** The state of a tenant before it exists. */
export const NEW = "NEW" as const;
type From = TenantStatus | typeof NEW;

type Rule = {
  from: readonly From[];
  /** "previous": back to what a suspension interrupted. */
  to: TenantStatus | "previous";
  by: readonly Trigger[];
  /** Allowed only in these trial modes (TRIAL_MODE). */
  modes?: readonly TrialMode[];
  event: string;
};

/** Every allowed change of status: from → to, and who may ask for it. Nothing else is allowed. */
export const TRANSITIONS = {
  /** Customer-led trial: the first sign-in of an organization starts its trial. */
  startTrial: { from: [NEW], to: "TRIAL", by: ["trial-sign-in"], modes: ["customer"], event: "tenant.trial_started" },
  /** Partner-led trial: the first sign-in records a request; the vendor approves it. */
  requestTrial: {
    from: [NEW],
    to: "PENDING",
    by: ["trial-sign-in"],
    modes: ["partner"],
    event: "tenant.trial_requested",
  },
  /** Customer-led only: an administrator's consent starts the trial of a tenant waiting for one. */
  startTrialOnAdminConsent: {
    from: ["PENDING"],
    to: "TRIAL",
    by: ["admin-sign-up"],
    modes: ["customer"],
    event: "tenant.trial_started",
  },
  approveTrial: { from: ["PENDING"], to: "TRIAL", by: ["operator"], event: "tenant.trial_approved" },
  extendTrial: { from: ["TRIAL", "EXPIRED"], to: "TRIAL", by: ["operator"], event: "tenant.trial_extended" },
  /** A marketplace purchase for an organization the app has not met yet: its tenant starts ACTIVE. */
  startSubscription: { from: [NEW], to: "ACTIVE", by: ["marketplace"], event: "tenant.activated" },
  /** A purchase: a trial converts; a workspace whose subscription ended comes back with a new one. */
  activate: {
    from: ["PENDING", "TRIAL", "EXPIRED", "ENDED"],
    to: "ACTIVE",
    by: ["operator", "marketplace"],
    event: "tenant.activated",
  },
  suspend: {
    from: ["PENDING", "TRIAL", "EXPIRED", "ACTIVE"],
    to: "SUSPENDED",
    by: ["operator", "marketplace"],
    event: "tenant.suspended",
  },
  /** A marketplace Reinstate lifts only the marketplace's own suspension (nextRow). */
  reinstate: { from: ["SUSPENDED"], to: "previous", by: ["operator", "marketplace"], event: "tenant.reinstated" },
  /** The subscription was cancelled (marketplace Unsubscribe): nobody gets in, the data is kept a while. */
  end: {
    from: ["PENDING", "TRIAL", "EXPIRED", "ACTIVE", "SUSPENDED"],
    to: "ENDED",
    by: ["marketplace", "operator"],
    event: "tenant.ended",
  },
} as const satisfies Record<string, Rule>;

export type TransitionName = keyof typeof TRANSITIONS;

export class TenantLifecycleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TenantLifecycleError";
  }
}

/** The table does not allow this change from the tenant's current status, for this trigger or mode. */
export class TransitionRefused extends TenantLifecycleError {
  constructor(
    readonly transition: TransitionName,
    readonly from: From,
    readonly trigger: Trigger,
    why: string,
  ) {
    super(why);
    this.name = "TransitionRefused";
  }
}

export class TenantNotFound extends TenantLifecycleError {
  constructor(readonly tid: string) {
    super(`No tenant ${tid}. See: npm run tenants -- list`);
    this.name = "TenantNotFound";
  }
}

/** Whether the table allows `name` from `from`, for `trigger` in `mode`; the reason when not. */
export function checkTransition(
  name: TransitionName,
  from: From,
  trigger: Trigger,
  mode: TrialMode,
): { allowed: true } | { allowed: false; why: string } {
  const rule: Rule = TRANSITIONS[name];
  if (!rule.by.includes(trigger)) return { allowed: false, why: `cannot be changed by ${name} when ${trigger} asks.` };
  if (rule.modes && !rule.modes.includes(mode)) {
    return { allowed: false, why: `cannot be changed by ${name} with TRIAL_MODE=${mode}.` };
  }
  if (!rule.from.includes(from)) {
    return { allowed: false, why: `is ${from}, not ${rule.from.join(" or ")}: ${name} is not allowed from ${from}.` };
  }
  return { allowed: true };
}

const DAY = 86_400_000;

type LockedRow = {
  status: TenantStatus;
  trialEndsAt: Date | null;
  statusBeforeSuspension: TenantStatus | null;
  suspensionReason: SuspensionReason | null;
};

/** Reads the tenant's row and holds it until the transaction ends. */
async function lockTenant(tx: Tx, tid: string): Promise<LockedRow | undefined> {
  const rows = await tx.$queryRaw<LockedRow[]>`
    SELECT status::text AS status, trial_ends_at AS "trialEndsAt",
           status_before_suspension::text AS "statusBeforeSuspension",
           suspension_reason::text AS "suspensionReason"
      FROM tenant WHERE id = ${tid}::uuid FOR UPDATE`;
  return rows[0];
}

export type TransitionInput = {
  /** approveTrial, extendTrial, startTrialOnAdminConsent: trial length in days (1 to 365). */
  days?: number;
  mode?: TrialMode;
  now?: Date;
  /** More for the audit event (e.g. the marketplace operation id). */
  detail?: Record<string, unknown>;
  /** end: how many days the data is kept (MARKETPLACE_DATA_RETENTION_DAYS). */
  retentionDays?: number;
};

function trialDays(input: TransitionInput): number {
  const days = input.days;
  if (days === undefined || !Number.isInteger(days) || days < 1 || days > 365) {
    throw new TenantLifecycleError("days: expected 1 to 365 (whole days)");
  }
  return days;
}

/** What the row becomes. */
function nextRow(name: TransitionName, row: LockedRow, input: TransitionInput, now: Date, trigger: Trigger) {
  switch (name) {
    case "startTrial":
    case "requestTrial":
      throw new TenantLifecycleError(`${name} creates a tenant: createTenantAtSignIn()`);
    case "startSubscription":
      throw new TenantLifecycleError(`${name} creates a tenant: createTenantOnPurchase()`);
    case "startTrialOnAdminConsent":
    case "approveTrial":
      return {
        status: "TRIAL" as const,
        trialStartsAt: now,
        trialEndsAt: new Date(now.getTime() + trialDays(input) * DAY),
      };
    case "extendTrial": {
      // From today if it has ended; an expired trial runs again.
      const from = Math.max(now.getTime(), row.trialEndsAt?.getTime() ?? 0);
      return { status: "TRIAL" as const, trialEndsAt: new Date(from + trialDays(input) * DAY) };
    }
    case "activate":
      return { status: "ACTIVE" as const, endedAt: null, dataRetainedUntil: null };
    case "suspend":
      return {
        status: "SUSPENDED" as const,
        statusBeforeSuspension: row.status,
        suspensionReason: trigger === "marketplace" ? ("MARKETPLACE" as const) : ("OPERATOR" as const),
      };
    case "reinstate": {
      const previous = row.statusBeforeSuspension;
      const status: TenantStatus =
        previous && previous !== "SUSPENDED" ? previous : row.trialEndsAt ? "TRIAL" : "ACTIVE";
      return { status, statusBeforeSuspension: null, suspensionReason: null };
    }
    case "end": {
      const days = input.retentionDays ?? 90;
      return {
        status: "ENDED" as const,
        statusBeforeSuspension: null,
        suspensionReason: null,
        endedAt: now,
        dataRetainedUntil: new Date(now.getTime() + days * DAY),
      };
    }
  }
}

/** Applies `name` inside an open transaction (for callers that change more in the same one). */
export async function transitionIn(
  tx: Tx,
  tid: string,
  name: TransitionName,
  actor: Actor,
  input: TransitionInput = {},
) {
  const now = input.now ?? new Date();
  const row = await lockTenant(tx, tid);
  if (!row) throw new TenantNotFound(tid);
  const from = effectiveStatus(row.status, row.trialEndsAt, now);
  const check = checkTransition(name, from, actor.trigger, input.mode ?? "customer");
  if (!check.allowed) throw new TransitionRefused(name, from, actor.trigger, `Tenant ${tid} ${check.why}`);
  // The marketplace's Reinstate follows a payment problem solved; it never lifts a suspension the
  // vendor's own people decided (operator console, npm run tenants).
  if (name === "reinstate" && actor.trigger === "marketplace" && row.suspensionReason === "OPERATOR") {
    throw new TransitionRefused(
      name,
      from,
      actor.trigger,
      `Tenant ${tid} was suspended by an operator: a marketplace Reinstate does not lift that.`,
    );
  }
  const data = nextRow(name, row, input, now, actor.trigger);
  const tenant = await tx.tenant.update({ where: { id: tid }, data });
  await tx.auditEvent.create({
    data: {
      tenantId: tid,
      actor: actor.id,
      type: TRANSITIONS[name].event,
      detail: {
        from,
        to: data.status,
        ...(input.days !== undefined ? { days: input.days } : {}),
        ...(actor.reason ? { reason: actor.reason } : {}),
        ...input.detail,
      } as Prisma.InputJsonObject,
    },
  });
  return tenant;
}

/** Applies `name` to the tenant `tid` in a transaction of its own. */
export function applyTransition(
  prisma: Database,
  tid: string,
  name: TransitionName,
  actor: Actor,
  input: TransitionInput = {},
) {
  return prisma.$transaction((tx) => transitionIn(tx, tid, name, actor, input));
}

export type NewTenant = {
  tid: string;
  personal: boolean;
  /** A personal workspace is named after its person; organizations get Graph's name later. */
  displayName?: string | null;
  /** AppSource's and campaigns' query parameters (source, utm_*), already validated. */
  source?: Record<string, string>;
  /** Partner-led trials: who to contact. */
  contact?: { name?: string; email?: string };
  /** How the organization came (the operator console's sign-ups by channel). Default: the trial. */
  channel?: "TRIAL" | "ADMIN_SIGNUP";
};

/** Inserts a new tenant row and, if this call made it, its audit event: the creations' shared step. */
async function insertTenant(
  tx: Tx,
  row: Prisma.TenantCreateManyInput & { id: string },
  name: "startTrial" | "requestTrial" | "startSubscription",
  actor: Actor,
  detail: Record<string, unknown>,
): Promise<boolean> {
  const { count } = await tx.tenant.createMany({ data: [row], skipDuplicates: true });
  if (count === 1) {
    await tx.auditEvent.create({
      data: {
        tenantId: row.id,
        actor: actor.id,
        type: TRANSITIONS[name].event,
        detail: { from: NEW, to: TRANSITIONS[name].to, ...detail } as Prisma.InputJsonObject,
      },
    });
  }
  return count === 1;
}

/**
 * The one way a tenant row is made: at the first sign-in of its organization (the customer-led
 * trial; the admin sign-up signs its administrator in the same way). INSERT ... ON CONFLICT DO
 * NOTHING decides who was first when many sign in at once. Returns whether this call created it.
 */
export async function createTenantAtSignIn(
  tx: Tx,
  tenant: NewTenant,
  actor: Actor,
  trial: { days: number; mode: TrialMode; now?: Date },
): Promise<boolean> {
  const name: TransitionName = trial.mode === "partner" ? "requestTrial" : "startTrial";
  const check = checkTransition(name, NEW, actor.trigger, trial.mode);
  if (!check.allowed) throw new TransitionRefused(name, NEW, actor.trigger, `Tenant ${tenant.tid} ${check.why}`);
  const now = trial.now ?? new Date();
  const partnerLed = trial.mode === "partner";
  return insertTenant(
    tx,
    {
      id: tenant.tid,
      personal: tenant.personal,
      displayName: tenant.displayName ?? null,
      status: TRANSITIONS[name].to,
      consentType: "USER",
      trialStartsAt: partnerLed ? null : now,
      trialEndsAt: partnerLed ? null : new Date(now.getTime() + trial.days * DAY),
      signupSource: tenant.source ?? Prisma.DbNull,
      contactName: partnerLed ? (tenant.contact?.name ?? null) : null,
      contactEmail: partnerLed ? (tenant.contact?.email ?? null) : null,
      signupChannel: tenant.channel ?? "TRIAL",
    },
    name,
    actor,
    { days: partnerLed ? null : trial.days, source: tenant.source ?? null },
  );
}

/**
 * A marketplace activation for a workspace that does not exist yet (the beneficiary had never
 * signed in: a CSP partner bought for them, or the purchaser is not the beneficiary). The tenant
 * starts ACTIVE; its people join at their first sign-in. Inside the activation's transaction
 * (lib/marketplace/activation.ts). Returns whether this call created it.
 */
export async function createTenantOnPurchase(
  tx: Tx,
  tenant: { tid: string; personal: boolean; displayName?: string | null },
  actor: Actor,
  detail: Record<string, unknown>,
): Promise<boolean> {
  const check = checkTransition("startSubscription", NEW, actor.trigger, "customer");
  if (!check.allowed) {
    throw new TransitionRefused("startSubscription", NEW, actor.trigger, `Tenant ${tenant.tid} ${check.why}`);
  }
  return insertTenant(
    tx,
    {
      id: tenant.tid,
      personal: tenant.personal,
      displayName: tenant.displayName ?? null,
      status: TRANSITIONS.startSubscription.to,
      consentType: "USER",
      signupChannel: "MARKETPLACE",
    },
    "startSubscription",
    actor,
    detail,
  );
}

/**
 * Admin sign-up, both proofs in hand: the organization's consent is recorded (who, when, the
 * application permissions the app-only token showed). A customer-led tenant waiting for its trial
 * starts it; with TRIAL_MODE=partner the tenant stays PENDING until the vendor approves it.
 */
export async function recordAdminConsent(
  prisma: Database,
  input: { tid: string; adminOid: string; roles: string[]; trial: { days: number; mode: TrialMode }; now?: Date },
): Promise<{ trialStarted: boolean }> {
  const now = input.now ?? new Date();
  const actor: Actor = { trigger: "admin-sign-up", id: `user:${input.tid}/${input.adminOid}` };
  return prisma.$transaction(async (tx) => {
    const row = await lockTenant(tx, input.tid);
    if (!row) throw new TenantNotFound(input.tid);
    await tx.tenant.update({
      where: { id: input.tid },
      data: { consentType: "ADMIN", adminConsentedAt: now, adminConsentedBy: input.adminOid, consentRevokedAt: null },
    });
    await tx.auditEvent.create({
      data: {
        tenantId: input.tid,
        actor: actor.id,
        type: "tenant.admin_consented",
        detail: { applicationPermissions: input.roles, status: row.status, trialMode: input.trial.mode },
      },
    });
    const from = effectiveStatus(row.status, row.trialEndsAt, now);
    if (!checkTransition("startTrialOnAdminConsent", from, actor.trigger, input.trial.mode).allowed) {
      return { trialStarted: false };
    }
    await transitionIn(tx, input.tid, "startTrialOnAdminConsent", actor, { ...input.trial, now });
    return { trialStarted: true };
  });
}

/** Entra keeps answering that the app is not installed in the tenant: its people need an admin sign-up. */
export async function markConsentRevoked(prisma: Database, tid: string, code: string): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.tenant.updateMany({
      where: { id: tid, consentRevokedAt: null },
      data: { consentRevokedAt: new Date() },
    });
    if (count) {
      await tx.auditEvent.create({
        data: { tenantId: tid, actor: "system", type: "tenant.consent_revoked", detail: { aadsts: code } },
      });
    }
    return count === 1;
  });
}

// The operator's actions (npm run tenants, the operator console): one transition each.
const operatorActor = (actor?: Partial<Actor>): Actor => ({ trigger: "operator", id: "operator:cli", ...actor });

export const approveTrial = (prisma: Database, tid: string, days: number, actor?: Partial<Actor>) =>
  applyTransition(prisma, tid, "approveTrial", operatorActor(actor), { days });
export const extendTrial = (prisma: Database, tid: string, days: number, actor?: Partial<Actor>) =>
  applyTransition(prisma, tid, "extendTrial", operatorActor(actor), { days });
export const activateTenant = (prisma: Database, tid: string, actor?: Partial<Actor>) =>
  applyTransition(prisma, tid, "activate", operatorActor(actor));
export const suspendTenant = (prisma: Database, tid: string, actor?: Partial<Actor>) =>
  applyTransition(prisma, tid, "suspend", operatorActor(actor));
export const reinstateTenant = (prisma: Database, tid: string, actor?: Partial<Actor>) =>
  applyTransition(prisma, tid, "reinstate", operatorActor(actor));

export function listTenants(prisma: Database) {
  return prisma.tenant.findMany({
    orderBy: { createdAt: "desc" },
    take: 500,
    include: { _count: { select: { users: true } } },
  });
}
