// The marketplace's connection webhook, once its caller is authenticated (./webhook-auth.ts):
// ("Implementing a webhook on the SaaS service", ../../SECURITY.md "Marketplace")
// 1. A repeat of an operation already handled is a no-op (Microsoft retries for hours).
// 2. One delivery at a time handles an operation: a claim per operation id, as activations do
//    (./activation.ts); a second delivery, on this instance or another, waits for its outcome.
// 3. The operation is confirmed with Get Operation: the payload alone is never acted on. One the
//    API does not know, or whose subscription, action, plan or quantity differ, changes nothing.
// 4. An operation older than the last one applied to its subscription never undoes it.
// 5. ChangePlan / ChangeQuantity still in progress: ./policy.ts decides, and the operation is
//    PATCHed Success or Failure (Microsoft accepts by itself after 10 seconds).
// 6. The change (./operations.ts), the operation's record and the audit events: one transaction.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Database } from "../db/client";
import { seatsInUse } from "../tenants/seats";
import type { FulfillmentClient } from "./fulfillment";
import { MarketplaceNotFound } from "./errors";
import { applyOperation, type ConfirmedOperation } from "./operations";
import { decideChange, type ChangeDecision, type ChangeRequest } from "./policy";
import type { Operation } from "./schemas";

/** How long a claim keeps other deliveries of the same operation waiting. */
export const OPERATION_LEASE_MS = 60_000;

const guid = z.uuid().transform((value) => value.toLowerCase());

/** The webhook's body: what we read of it, lenient to fields Microsoft adds. */
export const notificationSchema = z.looseObject({
  id: guid,
  subscriptionId: guid,
  action: z.string().min(1).max(64),
  activityId: z.string().max(100).optional().nullable(),
  planId: z.string().max(200).optional().nullable(),
  quantity: z.number().int().optional().nullable(),
  timeStamp: z.string().max(100).optional().nullable(),
  status: z.string().max(64).optional().nullable(),
});
export type Notification = z.infer<typeof notificationSchema>;

const ACTIONS = ["ChangePlan", "ChangeQuantity", "Suspend", "Reinstate", "Unsubscribe", "Renew"] as const;

export type WebhookOutcome =
  /** Confirmed and applied. */
  | { kind: "applied"; detail: Record<string, unknown> }
  /** A ChangePlan / ChangeQuantity the policy refused: Microsoft was told Failure. */
  | { kind: "refused"; reason: string }
  /** Handled before: nothing done again. */
  | { kind: "repeat"; outcome: string | null }
  /** Recorded, nothing changed: unknown to the API, different from the API, older than the last, ... */
  | {
      kind: "ignored";
      reason:
        "unconfirmed" | "mismatch" | "stale" | "unknown-subscription" | "unknown-action" | "failed-at-marketplace";
    }
  /** Another delivery is handling it, or Microsoft has not finished it: Microsoft should retry. */
  | { kind: "retry-later"; reason: "in-progress" | "not-finished" };

export type WebhookOptions = {
  policy?: (request: ChangeRequest) => ChangeDecision;
  retentionDays?: number;
  now?: () => Date;
  /** How long a second delivery waits for the first one's outcome (default 8 s). */
  waitMs?: number;
  sleep?: (ms: number) => Promise<void>;
};

type Client = Pick<FulfillmentClient, "getOperation" | "updateOperation" | "getSubscription">;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const sameText = (a: string | null | undefined, b: string | null | undefined) =>
  (a ?? "").toLowerCase() === (b ?? "").toLowerCase();

const dateOf = (value: string | null | undefined): Date | null =>
  value && !Number.isNaN(Date.parse(value)) ? new Date(value) : null;

/** Why the API's operation is not the one the payload describes; null when they agree. */
export function mismatchOf(notification: Notification, operation: Operation): string | null {
  if (!sameText(operation.subscriptionId, notification.subscriptionId)) return "subscription";
  if (!sameText(operation.id, notification.id)) return "operation";
  if (operation.action !== notification.action) return "action";
  if (notification.planId && operation.planId && operation.planId !== notification.planId) return "plan";
  if (
    notification.action === "ChangeQuantity" &&
    notification.quantity !== undefined &&
    notification.quantity !== null &&
    (operation.quantity ?? null) !== notification.quantity
  ) {
    return "quantity";
  }
  return null;
}

async function claim(prisma: Database, notification: Notification, by: string, now: Date): Promise<boolean> {
  const cutoff = new Date(now.getTime() - OPERATION_LEASE_MS);
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    INSERT INTO marketplace_operation (id, subscription_id, action, claimed_at, claimed_by)
    VALUES (${notification.id}::uuid, ${notification.subscriptionId}::uuid, ${notification.action}, ${now}, ${by})
    ON CONFLICT (id) DO UPDATE SET claimed_at = EXCLUDED.claimed_at, claimed_by = EXCLUDED.claimed_by
     WHERE marketplace_operation.completed_at IS NULL AND marketplace_operation.claimed_at < ${cutoff}
    RETURNING id::text AS id`;
  return rows.length === 1;
}

async function release(prisma: Database, id: string, by: string): Promise<void> {
  await prisma.marketplaceOperation.updateMany({
    where: { id, claimedBy: by, completedAt: null },
    data: { claimedAt: new Date(0) },
  });
}

/** Records an outcome that changes nothing; the operation's repeats are no-ops from now on. */
async function complete(
  prisma: Database,
  id: string,
  by: string,
  outcome: string,
  now: Date,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await prisma.marketplaceOperation.updateMany({
    where: { id, claimedBy: by, completedAt: null },
    data: { completedAt: now, outcome, detail: detail as object },
  });
}

export async function handleNotification(
  prisma: Database,
  client: Client,
  notification: Notification,
  options: WebhookOptions = {},
): Promise<WebhookOutcome> {
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? defaultSleep;
  const done = async () =>
    prisma.marketplaceOperation.findUnique({
      where: { id: notification.id },
      select: { completedAt: true, outcome: true },
    });

  const before = await done();
  if (before?.completedAt) return { kind: "repeat", outcome: before.outcome };

  const by = randomUUID();
  if (!(await claim(prisma, notification, by, now()))) {
    const deadline = now().getTime() + (options.waitMs ?? 8_000);
    while (now().getTime() < deadline) {
      await sleep(200);
      const row = await done();
      if (row?.completedAt) return { kind: "repeat", outcome: row.outcome };
    }
    return { kind: "retry-later", reason: "in-progress" };
  }

  try {
    const outcome = await confirmAndApply(prisma, client, notification, by, { ...options, now, sleep });
    if (outcome.kind === "retry-later") await release(prisma, notification.id, by);
    return outcome;
  } catch (error) {
    // Unknown outcome (the API or the database failed): the next delivery takes the claim over.
    await release(prisma, notification.id, by);
    throw error;
  }
}

async function confirmAndApply(
  prisma: Database,
  client: Client,
  notification: Notification,
  by: string,
  options: WebhookOptions & { now: () => Date },
): Promise<WebhookOutcome> {
  const { id, subscriptionId } = notification;
  const ignore = async (reason: Extract<WebhookOutcome, { kind: "ignored" }>["reason"], detail = {}) => {
    await complete(prisma, id, by, reason, options.now(), detail);
    return { kind: "ignored", reason } as const;
  };
  const callOptions = notification.activityId ? { correlationId: notification.activityId } : undefined;

  let operation: Operation;
  try {
    operation = await client.getOperation(subscriptionId, id, callOptions);
  } catch (error) {
    if (error instanceof MarketplaceNotFound) return ignore("unconfirmed");
    throw error;
  }
  const mismatch = mismatchOf(notification, operation);
  if (mismatch) return ignore("mismatch", { differs: mismatch });
  const action = ACTIONS.find((known) => known === operation.action);
  if (!action) return ignore("unknown-action", { action: operation.action });

  const stored = await prisma.subscription.findUnique({
    where: { id: subscriptionId },
    select: { tenantId: true, planId: true, quantity: true, lastOperationAt: true },
  });
  if (!stored) return ignore("unknown-subscription");
  const confirmed: ConfirmedOperation = {
    id,
    subscriptionId,
    action,
    planId: operation.planId ?? null,
    quantity: operation.quantity ?? null,
    at: dateOf(operation.timeStamp) ?? dateOf(notification.timeStamp),
  };
  const stale = (last: Date | null) => Boolean(last && confirmed.at && confirmed.at < last);
  const change = action === "ChangePlan" || action === "ChangeQuantity";
  const pending = operation.status === "InProgress" || operation.status === "NotStarted";

  if (stale(stored.lastOperationAt)) {
    // A change Microsoft still waits on is answered, so it does not apply behind our back.
    if (change && pending) await client.updateOperation(subscriptionId, id, "Failure", callOptions);
    return ignore("stale", { last: stored.lastOperationAt });
  }
  if (operation.status === "Failed" || operation.status === "Conflict") {
    return ignore("failed-at-marketplace", { status: operation.status });
  }
  if (pending && !change) return { kind: "retry-later", reason: "not-finished" };

  if (change && pending) {
    const decision = (options.policy ?? decideChange)({
      action,
      subscriptionId,
      tenantId: stored.tenantId,
      from: { planId: stored.planId, quantity: stored.quantity },
      to: {
        planId: confirmed.planId ?? stored.planId,
        quantity: confirmed.quantity,
      },
      peopleUsingTheApp: await peopleUsingTheApp(prisma, stored.tenantId),
    });
    await client.updateOperation(subscriptionId, id, decision.accept ? "Success" : "Failure", callOptions);
    if (!decision.accept) {
      await prisma.$transaction(async (tx) => {
        await tx.auditEvent.create({
          data: {
            tenantId: stored.tenantId,
            actor: "marketplace:webhook",
            type: "subscription.change_refused",
            detail: {
              operationId: id,
              subscriptionId,
              action,
              to: confirmed.planId,
              quantity: confirmed.quantity,
              reason: decision.reason,
            },
          },
        });
        await tx.marketplaceOperation.updateMany({
          where: { id, claimedBy: by, completedAt: null },
          data: { completedAt: options.now(), outcome: "refused", detail: { reason: decision.reason } },
        });
      });
      return { kind: "refused", reason: decision.reason };
    }
  }

  let term: { startsAt: Date | null; endsAt: Date | null } | undefined;
  if (action === "Renew") {
    const details = await client.getSubscription(subscriptionId, callOptions);
    term = { startsAt: dateOf(details.term?.startDate), endsAt: dateOf(details.term?.endDate) };
  }
  if (action === "ChangePlan") {
    // An operation names the plan; whether it has seats the subscription tells (a flat rate: none).
    const details = await client.getSubscription(subscriptionId, callOptions);
    if (details.planId === confirmed.planId) confirmed.quantity = details.quantity ?? null;
  }

  return prisma.$transaction(async (tx) => {
    // The subscription's row, locked: operations of one subscription are applied one at a time.
    const [locked] = await tx.$queryRaw<{ lastOperationAt: Date | null }[]>`
      SELECT last_operation_at AS "lastOperationAt" FROM subscription WHERE id = ${subscriptionId}::uuid FOR UPDATE`;
    const at = options.now();
    if (stale(locked?.lastOperationAt ?? null)) {
      await tx.marketplaceOperation.updateMany({
        where: { id, claimedBy: by, completedAt: null },
        data: { completedAt: at, outcome: "stale" },
      });
      return { kind: "ignored", reason: "stale" } as const;
    }
    const detail = await applyOperation(tx, stored.tenantId, confirmed, {
      now: at,
      retentionDays: options.retentionDays ?? 90,
      term,
    });
    const { count } = await tx.marketplaceOperation.updateMany({
      where: { id, claimedBy: by, completedAt: null },
      data: { completedAt: at, outcome: "applied", operationAt: confirmed.at, detail: detail as object },
    });
    // Our claim was taken over while we waited on Microsoft: the other delivery applies it.
    if (count !== 1) throw new Error(`the claim on marketplace operation ${id} was lost`);
    return { kind: "applied", detail } as const;
  });
}

/** Seat holders under a per-user plan; otherwise everyone of the workspace not suspended. */
async function peopleUsingTheApp(prisma: Database, tenantId: string): Promise<number> {
  const tenant = await prisma.tenant.findUnique({ where: { id: tenantId }, select: { seatLimit: true } });
  if (tenant?.seatLimit !== null && tenant?.seatLimit !== undefined) {
    return seatsInUse(prisma, tenantId);
  }
  return prisma.user.count({ where: { tenantId, suspendedAt: null } });
}
