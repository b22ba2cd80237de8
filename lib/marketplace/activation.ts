// The landing page's activation of a marketplace purchase: exactly one activate call per
// subscription, however many times it is asked (a double submit, two tabs, a retry after a
// timeout), and one subscription row, tied to the beneficiary's workspace, whose tenant becomes
// ACTIVE through the lifecycle ("Build the landing page for your transactable SaaS offer").
//
// How "exactly once" holds without keeping a transaction open across an HTTP call:
// 1. A request claims the activation: one INSERT ... ON CONFLICT row per subscription, taken by
//    one request at a time. A claim lives for LEASE_MS; others wait for its outcome meanwhile.
// 2. A claim taken over from an earlier request (whose outcome is unknown: it timed out, the
//    server died) reads the subscription first and calls activate only if it is still pending.
// 3. The marketplace confirmed: the subscription row, the tenant's status and the audit events
//    are written in one transaction, and the claim is marked complete.
import { randomUUID } from "node:crypto";
import type { Database } from "../db/client";
import type { SubscriptionStatus as StoredStatus } from "../db/generated/enums";
import { effectiveStatus, type SignedInPerson } from "../tenants/gate";
import { createTenantOnPurchase, transitionIn, type Actor } from "../tenants/lifecycle";
import { emailDomain } from "../tenants/organization";
import { refreshSeatLimit } from "../tenants/seats";
import { isPersonalAccount, workspaceIdFor } from "../tenants/workspace";
import type { FulfillmentClient } from "./fulfillment";
import type { ResolvedSubscription, Subscription } from "./schemas";

/** How long a claim keeps other requests from calling activate (the client's retries fit in it). */
export const LEASE_MS = 2 * 60_000;

const STATUS: Record<string, StoredStatus> = {
  PendingFulfillmentStart: "PENDING_FULFILLMENT_START",
  Subscribed: "SUBSCRIBED",
  Suspended: "SUSPENDED",
  Unsubscribed: "UNSUBSCRIBED",
};

export type Party = { tenantId: string; objectId: string | null; email: string | null; workspaceId: string };

/** What the landing page shows and activates: the resolved purchase, in our words. */
export type Purchase = {
  subscriptionId: string;
  name: string;
  offerId: string;
  planId: string;
  quantity: number | null;
  status: string;
  isFreeTrial: boolean;
  term: { startDate: string | null; endDate: string | null; termUnit: string | null };
  purchaser: Party;
  beneficiary: Party;
};

function partyOf(party: Subscription["purchaser"]): Party {
  const tenantId = party.tenantId.toLowerCase();
  const objectId = party.objectId?.toLowerCase() || null;
  return {
    tenantId,
    objectId,
    email: party.emailId || null,
    // A personal account's workspace is its own (lib/tenants/workspace.ts).
    workspaceId: objectId ? workspaceIdFor(tenantId, objectId) : tenantId,
  };
}

export function purchaseOf(resolved: ResolvedSubscription): Purchase {
  const subscription = resolved.subscription;
  return {
    subscriptionId: resolved.id.toLowerCase(),
    name: resolved.subscriptionName || subscription.name || "",
    offerId: resolved.offerId,
    planId: resolved.planId,
    quantity: resolved.quantity ?? subscription.quantity ?? null,
    status: subscription.saasSubscriptionStatus,
    isFreeTrial: subscription.isFreeTrial ?? false,
    term: {
      startDate: subscription.term?.startDate || null,
      endDate: subscription.term?.endDate || null,
      termUnit: subscription.term?.termUnit || null,
    },
    purchaser: partyOf(subscription.purchaser),
    beneficiary: partyOf(subscription.beneficiary),
  };
}

export type ActivationRight =
  { may: true; as: "purchaser" | "beneficiary-admin" } | { may: false; reason: "not-purchaser" };

/**
 * Who may activate: the purchaser (tid and oid), or, where the ISV allows it
 * (MARKETPLACE_BENEFICIARY_ADMINS_MAY_ACTIVATE), an admin of the beneficiary's workspace, the
 * role read from the database. Holding the link is not enough: the token identifies a purchase,
 * it is no credential of its holder.
 */
export async function activationRight(
  prisma: Database,
  purchase: Purchase,
  access: Pick<SignedInPerson, "tenantId" | "userId" | "oid">,
  options: { beneficiaryAdminsMayActivate: boolean },
): Promise<ActivationRight> {
  const { purchaser, beneficiary } = purchase;
  if (purchaser.objectId === access.oid.toLowerCase() && purchaser.workspaceId === access.tenantId) {
    return { may: true, as: "purchaser" };
  }
  if (options.beneficiaryAdminsMayActivate && beneficiary.workspaceId === access.tenantId) {
    const user = await prisma.user.findFirst({
      where: { id: access.userId, tenantId: access.tenantId, role: "ADMIN", suspendedAt: null },
      select: { id: true },
    });
    if (user) return { may: true, as: "beneficiary-admin" };
  }
  return { may: false, reason: "not-purchaser" };
}

export type ActivationOutcome =
  | { kind: "activated"; subscriptionId: string; tenantId: string }
  /** It was already active (this request, another tab, or an earlier visit): nothing was called. */
  | { kind: "already-active"; subscriptionId: string; tenantId: string }
  /** Another request holds the claim and has not finished within the wait. */
  | { kind: "in-progress" }
  | { kind: "unsubscribed" }
  /** The beneficiary's workspace is suspended: the marketplace is not asked to bill it. */
  | { kind: "tenant-suspended" };

export type Contact = { name: string; email: string; phone: string | null };

export type ActivationOptions = {
  /** The contact the person confirmed on the landing page, kept with the subscription. */
  contact?: Contact;
  now?: () => Date;
  /** How long a request waits for another's claim to finish (default 15 s). */
  waitMs?: number;
  sleep?: (ms: number) => Promise<void>;
};

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function existing(prisma: Database, subscriptionId: string) {
  return prisma.subscription.findUnique({ where: { id: subscriptionId }, select: { id: true, tenantId: true } });
}

/** Takes the claim: whether this request now holds it, and whether it took over an earlier one. */
async function claim(
  prisma: Database,
  subscriptionId: string,
  by: string,
  now: Date,
): Promise<{ held: false } | { held: true; takenOver: boolean }> {
  const cutoff = new Date(now.getTime() - LEASE_MS);
  // xmax is 0 for a row this statement inserted, not for one it updated (took over).
  const rows = await prisma.$queryRaw<{ takenOver: boolean }[]>`
    INSERT INTO marketplace_activation (subscription_id, claimed_at, claimed_by)
    VALUES (${subscriptionId}::uuid, ${now}, ${by})
    ON CONFLICT (subscription_id) DO UPDATE
       SET claimed_at = EXCLUDED.claimed_at, claimed_by = EXCLUDED.claimed_by
     WHERE marketplace_activation.completed_at IS NULL AND marketplace_activation.claimed_at < ${cutoff}
    RETURNING (xmax <> 0) AS "takenOver"`;
  return rows[0] ? { held: true, takenOver: rows[0].takenOver } : { held: false };
}

/** A failed attempt leaves its claim expired: the next one takes it over, and reads before it calls. */
async function expireClaim(prisma: Database, subscriptionId: string, by: string): Promise<void> {
  await prisma.marketplaceActivation.updateMany({
    where: { subscriptionId, claimedBy: by, completedAt: null },
    data: { claimedAt: new Date(0) },
  });
}

export async function activatePurchase(
  prisma: Database,
  client: Pick<FulfillmentClient, "activate" | "getSubscription">,
  purchase: Purchase,
  actorId: string,
  options: ActivationOptions = {},
): Promise<ActivationOutcome> {
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? defaultSleep;
  const id = purchase.subscriptionId;

  const before = await existing(prisma, id);
  if (before) return { kind: "already-active", subscriptionId: id, tenantId: before.tenantId };
  if (purchase.status === "Unsubscribed") return { kind: "unsubscribed" };
  const tenant = await prisma.tenant.findUnique({
    where: { id: purchase.beneficiary.workspaceId },
    select: { status: true, trialEndsAt: true },
  });
  if (tenant && effectiveStatus(tenant.status, tenant.trialEndsAt, now()) === "SUSPENDED") {
    return { kind: "tenant-suspended" };
  }

  const by = `${actorId} ${randomUUID()}`;
  const claimed = await claim(prisma, id, by, now());
  if (!claimed.held) {
    // Another request is activating it: wait for its outcome rather than call again.
    const deadline = now().getTime() + (options.waitMs ?? 15_000);
    while (now().getTime() < deadline) {
      await sleep(250);
      const row = await existing(prisma, id);
      if (row) return { kind: "already-active", subscriptionId: id, tenantId: row.tenantId };
    }
    return { kind: "in-progress" };
  }

  try {
    let current = purchase.status;
    let details: Subscription | null = null;
    if (claimed.takenOver || current !== "PendingFulfillmentStart") {
      // An earlier attempt may have reached Microsoft: ask before calling again.
      details = await client.getSubscription(id);
      current = details.saasSubscriptionStatus;
    }
    if (current === "Unsubscribed") {
      await expireClaim(prisma, id, by);
      return { kind: "unsubscribed" };
    }
    if (current !== "Subscribed") {
      await client.activate(id, {
        planId: purchase.planId,
        ...(purchase.quantity ? { quantity: purchase.quantity } : {}),
      });
    }
    const tenantId = await recordActivation(prisma, purchase, actorId, by, details, options.contact, now());
    return { kind: "activated", subscriptionId: id, tenantId };
  } catch (error) {
    await expireClaim(prisma, id, by);
    throw error;
  }
}

/** The marketplace said yes: the subscription row, the tenant ACTIVE, the audit events, the claim done. */
async function recordActivation(
  prisma: Database,
  purchase: Purchase,
  actorId: string,
  by: string,
  details: Subscription | null,
  contact: Contact | undefined,
  now: Date,
): Promise<string> {
  const { beneficiary, purchaser } = purchase;
  const tenantId = beneficiary.workspaceId;
  const actor: Actor = { trigger: "marketplace", id: actorId };
  const detail = { subscriptionId: purchase.subscriptionId, offerId: purchase.offerId, planId: purchase.planId };
  const date = (value: string | null | undefined) =>
    value && !Number.isNaN(Date.parse(value)) ? new Date(value) : null;
  const term = details?.term ?? purchase.term;
  await prisma.$transaction(async (tx) => {
    const created = await createTenantOnPurchase(
      tx,
      {
        tid: tenantId,
        personal: isPersonalAccount(beneficiary.tenantId),
        displayName: isPersonalAccount(beneficiary.tenantId)
          ? beneficiary.email
          : emailDomain(beneficiary.email ?? undefined),
      },
      actor,
      detail,
    );
    if (!created) {
      const row = await tx.tenant.findUniqueOrThrow({
        where: { id: tenantId },
        select: { status: true, trialEndsAt: true },
      });
      // A running or ended trial (or a pending request) converts; an ACTIVE tenant stays so.
      if (effectiveStatus(row.status, row.trialEndsAt, now) !== "ACTIVE") {
        await transitionIn(tx, tenantId, "activate", actor, { now, detail });
      }
    }
    await tx.subscription.create({
      data: {
        id: purchase.subscriptionId,
        tenantId,
        name: purchase.name || null,
        offerId: purchase.offerId,
        planId: details?.planId ?? purchase.planId,
        quantity: details?.quantity ?? purchase.quantity,
        status: "SUBSCRIBED",
        isFreeTrial: details?.isFreeTrial ?? purchase.isFreeTrial,
        termUnit: term?.termUnit || null,
        termStartsAt: date(term?.startDate),
        termEndsAt: date(term?.endDate),
        autoRenew: details?.autoRenew ?? null,
        purchaserTenantId: purchaser.tenantId,
        purchaserOid: purchaser.objectId,
        purchaserEmail: purchaser.email,
        beneficiaryTenantId: beneficiary.tenantId,
        beneficiaryOid: beneficiary.objectId,
        beneficiaryEmail: beneficiary.email,
        contactName: contact?.name ?? null,
        contactEmail: contact?.email ?? null,
        contactPhone: contact?.phone ?? null,
        activatedAt: now,
        activatedBy: actorId,
      },
    });
    await tx.auditEvent.create({
      data: {
        tenantId,
        actor: actorId,
        type: "subscription.activated",
        detail: { ...detail, quantity: purchase.quantity },
      },
    });
    // A per-user plan: its seats go to the workspace's people (admins first) from now on.
    await refreshSeatLimit(tx, tenantId, now);
    const { count } = await tx.marketplaceActivation.updateMany({
      where: { subscriptionId: purchase.subscriptionId, claimedBy: by },
      data: { completedAt: now },
    });
    // Our claim was taken over while we waited on Microsoft: the other request records it.
    if (count !== 1) throw new Error(`the activation claim of ${purchase.subscriptionId} was lost`);
  });
  return tenantId;
}

/** For the stored status of a subscription the marketplace reports. */
export const storedStatusOf = (status: string): StoredStatus | undefined => STATUS[status];
