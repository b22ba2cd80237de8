// Seats of a per-user plan (issue "Seats"): the subscription's quantity is how many people may use
// the app. The limit lives on the tenant row (`seat_limit`) so the gate reads it with the session
// in its one query; who holds a seat is `user.seat_assigned_at`. Every change that counts seats
// locks the tenant's row first (SELECT ... FOR UPDATE), so two people signing in at once cannot
// both take the last seat. Flat-rate plans and trials have no limit (null).
import type { Prisma } from "../db/generated/client";

type Tx = Prisma.TransactionClient;

/** The limit a tenant's live subscriptions give: the seats of its per-user ones; null if any is flat-rate. */
export function seatLimitOf(subscriptions: { status: string; quantity: number | null }[]): number | null {
  const live = subscriptions.filter((subscription) => subscription.status === "SUBSCRIBED");
  if (live.length === 0 || live.some((subscription) => subscription.quantity === null)) return null;
  return live.reduce((sum, subscription) => sum + (subscription.quantity ?? 0), 0);
}

async function lockedLimit(tx: Tx, tenantId: string): Promise<number | null | undefined> {
  const rows = await tx.$queryRaw<{ seatLimit: number | null }[]>`
    SELECT seat_limit AS "seatLimit" FROM tenant WHERE id = ${tenantId}::uuid FOR UPDATE`;
  return rows[0]?.seatLimit;
}

/** People holding a seat now. */
export function seatsInUse(tx: Pick<Tx, "user">, tenantId: string): Promise<number> {
  return tx.user.count({ where: { tenantId, seatAssignedAt: { not: null } } });
}

/**
 * At sign-in: a person without a seat takes a free one, unless an admin freed theirs (then only
 * an admin gives it back). Returns whether the person holds a seat (always true with no limit).
 */
export async function takeSeat(tx: Tx, tenantId: string, userId: string, now = new Date()): Promise<boolean> {
  const limit = await lockedLimit(tx, tenantId);
  if (limit === null || limit === undefined) return true;
  const user = await tx.user.findFirst({
    where: { id: userId, tenantId },
    select: { seatAssignedAt: true, seatRemovedAt: true, suspendedAt: true },
  });
  if (!user || user.suspendedAt) return false;
  if (user.seatAssignedAt) return true;
  if (user.seatRemovedAt) return false;
  if ((await seatsInUse(tx, tenantId)) >= limit) return false;
  await tx.user.update({ where: { id: userId }, data: { seatAssignedAt: now } });
  await tx.auditEvent.create({
    data: { tenantId, actor: "system", type: "user.seat_assigned", detail: { userId, limit } },
  });
  return true;
}

/**
 * A new limit (a per-user plan activated, its quantity or plan changed; null: no limit). Holders
 * keep their seats up to the limit; free seats go to admins first, then to the people who signed
 * in most recently, never to a person whose seat an admin freed or who is suspended. Above the
 * limit (an operator's choice, since the webhook's policy refuses fewer seats than are in use),
 * the least recent non-admins lose theirs first.
 */
export async function applySeatLimit(tx: Tx, tenantId: string, limit: number | null, now = new Date()) {
  await lockedLimit(tx, tenantId);
  await tx.tenant.update({ where: { id: tenantId }, data: { seatLimit: limit } });
  if (limit === null) return;
  const people = await tx.user.findMany({
    where: { tenantId, suspendedAt: null },
    select: { id: true, role: true, seatAssignedAt: true, seatRemovedAt: true, lastSignInAt: true },
  });
  const rank = (person: (typeof people)[number]) => [
    person.seatAssignedAt ? 0 : 1,
    person.role === "ADMIN" ? 0 : 1,
    -(person.lastSignInAt?.getTime() ?? 0),
  ];
  const ordered = people
    .filter((person) => person.seatAssignedAt || !person.seatRemovedAt)
    .sort((a, b) => {
      const [x, y] = [rank(a), rank(b)];
      return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
    });
  const keep = new Set(ordered.slice(0, limit).map((person) => person.id));
  const give = [...keep].filter((id) => !people.find((person) => person.id === id)!.seatAssignedAt);
  const take = people.filter((person) => person.seatAssignedAt && !keep.has(person.id)).map((person) => person.id);
  if (give.length) await tx.user.updateMany({ where: { id: { in: give } }, data: { seatAssignedAt: now } });
  if (take.length) await tx.user.updateMany({ where: { id: { in: take } }, data: { seatAssignedAt: null } });
  // Suspended people hold no seat.
  await tx.user.updateMany({
    where: { tenantId, suspendedAt: { not: null }, seatAssignedAt: { not: null } },
    data: { seatAssignedAt: null },
  });
  await tx.auditEvent.create({
    data: {
      tenantId,
      actor: "system",
      type: "tenant.seats_changed",
      detail: { limit, assigned: give.length, released: take.length },
    },
  });
}

/** The Team page's and the no-seat page's figures. */
export async function seatSummary(tx: Tx, tenantId: string): Promise<{ limit: number | null; used: number }> {
  const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { seatLimit: true } });
  return { limit: tenant?.seatLimit ?? null, used: await seatsInUse(tx, tenantId) };
}

/** The limit follows the tenant's subscriptions (after an activation or a webhook operation). */
export async function refreshSeatLimit(tx: Tx, tenantId: string, now = new Date()): Promise<number | null> {
  const subscriptions = await tx.subscription.findMany({
    where: { tenantId },
    select: { status: true, quantity: true },
  });
  const limit = seatLimitOf(subscriptions);
  const current = await tx.tenant.findUnique({ where: { id: tenantId }, select: { seatLimit: true } });
  if (current && (current.seatLimit !== limit || limit !== null)) await applySeatLimit(tx, tenantId, limit, now);
  return limit;
}
