// The operator console's sessions: a random token in an HttpOnly cookie of its own (`__Host-` on
// https), its SHA-256 in `operator_session`. Apart from the customers' sessions, so that nobody is
// an operator by being a customer, and signing out of one leaves the other.
import { randomBytes } from "node:crypto";
import { hashSessionToken } from "../auth/session";
import type { Database } from "../db/client";
import type { OperatorSessionRow } from "./gate";

export function operatorCookie(appUrl: string | undefined): { name: string; secure: boolean } {
  const secure = (appUrl ?? "").startsWith("https://");
  return { name: secure ? "__Host-appsource.operator" : "appsource.operator", secure };
}

/** Marks a sign-in as the console's (set by /operator/signin, read once by the sign-in callback). */
export function operatorSignInCookie(appUrl: string | undefined): { name: string; secure: boolean } {
  const secure = (appUrl ?? "").startsWith("https://");
  return { name: secure ? "__Host-appsource.operator-signin" : "appsource.operator-signin", secure };
}

export async function openOperatorSession(
  prisma: Database,
  person: { tenantId: string; oid: string; name?: string; email?: string; role: "OPERATOR" | "READER" },
  minutes: number,
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + minutes * 60_000);
  await prisma.operatorSession.create({
    data: {
      id: hashSessionToken(token),
      tenantId: person.tenantId,
      oid: person.oid,
      name: person.name ?? null,
      email: person.email ?? null,
      role: person.role,
      expiresAt,
    },
  });
  // Ended sessions are of no use to anyone: swept as new ones open.
  await prisma.operatorSession.deleteMany({ where: { expiresAt: { lt: now } } });
  return { token, expiresAt };
}

export async function findOperatorSession(
  prisma: Database,
  token: string | undefined,
): Promise<OperatorSessionRow | null> {
  if (!token || token.length > 200) return null;
  return prisma.operatorSession.findUnique({
    where: { id: hashSessionToken(token) },
    select: { tenantId: true, oid: true, name: true, email: true, role: true, expiresAt: true },
  });
}

export async function closeOperatorSession(prisma: Database, token: string | undefined): Promise<void> {
  if (token) await prisma.operatorSession.deleteMany({ where: { id: hashSessionToken(token) } });
}
