// The server-side session: the cookie holds a random token, the `session` table its SHA-256.
// One indexed query turns a token into the gate's row (session → user → tenant).
import { createHash } from "node:crypto";
import { config } from "../config";
import type { Database } from "../db/client";
import type { SessionRow } from "../tenants/gate";

/**
 * HttpOnly, SameSite=Lax, and on https `__Host-` (Secure, Path=/, no Domain: no subdomain can
 * set or read it). ../SECURITY.md "Sessions and requests".
 */
export function sessionCookie(appUrl: string | undefined = config().auth.url): { name: string; secure: boolean } {
  const secure = (appUrl ?? "").startsWith("https://");
  return { name: secure ? "__Host-appsource.session" : "appsource.session", secure };
}

export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

// The gate's one query: session -> user -> tenant, by the token's hash, unexpired.
const SESSION_QUERY = `
    SELECT s.user_id AS "userId", s.tenant_id AS "tenantId", s.expires_at AS "expiresAt", u.oid::text AS "oid",
           u.display_name AS "userName", u.email AS "userEmail", u.suspended_at AS "userSuspendedAt",
           u.role::text AS "userRole",
           t.display_name AS "tenantName", t.primary_domain AS "tenantDomain",
           t.status::text AS "tenantStatus", t.trial_ends_at AS "trialEndsAt",
           t.consent_revoked_at AS "consentRevokedAt", t.suspension_reason::text AS "suspensionReason",
           t.data_retained_until AS "dataRetainedUntil", t.seat_limit AS "seatLimit",
           u.seat_assigned_at AS "userSeatAssignedAt"
      FROM session s
      JOIN "user" u ON u.id = s.user_id
      JOIN tenant t ON t.id = s.tenant_id
     WHERE s.id = $1 AND s.expires_at > $2`;

/** The app's pool (node-postgres), or anything that queries like it. */
export type Queryable = {
  query(statement: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
};

/**
 * The gate's row for a session token, or null. Given the pool (lib/tenants/access.ts, every gated
 * request), the query goes straight to node-postgres: Prisma's raw-query layer around it cost a
 * further 5 to 10 % of the framework's floor per gated request (npm run bench, "gated / floor").
 */
export async function findSession(
  source: Database | Queryable,
  token: string | undefined,
  now = new Date(),
): Promise<SessionRow | null> {
  if (!token || token.length > 200) return null;
  const values = [hashSessionToken(token), now];
  const rows =
    "query" in source
      ? // A named statement: each pooled connection parses and plans the gate's query once, not at
        // every request (the database shares the server's CPU; README, "Speed"). A migration that
        // changes the type of a column selected here makes PostgreSQL refuse the statement on the
        // connections that prepared it: the servers of the deploy that brings it start afresh.
        ((await source.query({ name: "gate-session", text: SESSION_QUERY, values })).rows as SessionRow[])
      : await source.$queryRawUnsafe<SessionRow[]>(SESSION_QUERY, ...values);
  return rows[0] ?? null;
}
