// A signed-in person, as the gate sees them: a fresh session row, read back through findSession.
import { randomUUID } from "node:crypto";
import type { Database } from "@/lib/db/client";
import { findSession, hashSessionToken } from "@/lib/auth/session";
import { decideAccess, type TenantAccess } from "@/lib/tenants/gate";

/** Opens a session for the user; its cookie token. */
export async function openSession(prisma: Database, userId: string, tenantId: string): Promise<string> {
  const token = randomUUID();
  await prisma.session.create({
    data: { id: hashSessionToken(token), userId, tenantId, expiresAt: new Date(Date.now() + 3_600_000) },
  });
  return token;
}

/** The gate's access for a new session of the user; throws if the gate turns them away. */
export async function accessOf(prisma: Database, userId: string, tenantId: string): Promise<TenantAccess> {
  const decision = decideAccess(await findSession(prisma, await openSession(prisma, userId, tenantId)));
  if (decision.kind !== "allowed") throw new Error(`the gate said ${decision.kind}`);
  return decision.access;
}
