// Auth.js's storage, on the app's own tables: database sessions (so signing out ends the session
// on the server) and users known by (tid, oid). Users are created by admitUser() in the signIn
// callback, never here, and never found by e-mail.
import type { Adapter, AdapterSession, AdapterUser } from "next-auth/adapters";
import type { Database } from "../db/client";
import { workspaceIdFor } from "../tenants/workspace";
import { findSession, hashSessionToken } from "./session";

/**
 * Auth.js's account id for a person: `<workspace>/<oid>`, the key of their user row. The
 * workspace is the organization's tid, or a personal account's own (../tenants/workspace.ts).
 */
export function accountId(tid: string, oid: string): string {
  return `${workspaceIdFor(tid, oid)}/${oid}`;
}

function parseAccountId(value: string): { tenantId: string; oid: string } | null {
  const [tenantId, oid, extra] = value.split("/");
  return tenantId && oid && extra === undefined ? { tenantId, oid } : null;
}

type UserRow = { id: string; displayName: string | null; email: string | null };
const toAdapterUser = (user: UserRow): AdapterUser => ({
  id: user.id,
  name: user.displayName,
  email: user.email ?? "",
  emailVerified: null,
});

export function appAdapter(db: () => Promise<Database>): Adapter {
  return {
    async getUserByAccount({ providerAccountId }) {
      const key = parseAccountId(providerAccountId);
      if (!key) return null;
      const user = await (await db()).user.findUnique({ where: { tenantId_oid: key } });
      return user ? toAdapterUser(user) : null;
    },
    async getUser(id) {
      const user = await (await db()).user.findUnique({ where: { id } });
      return user ? toAdapterUser(user) : null;
    },
    // Never link or find anyone by e-mail: Entra's email claim is mutable and unverified
    // (the "nOAuth" account takeover). ../SECURITY.md "Tenants and users".
    async getUserByEmail() {
      return null;
    },
    async createUser() {
      throw new Error("Users are created at sign-in by admitUser(), after the ID token is verified.");
    },
    async updateUser({ id, name }) {
      const user = await (await db()).user.update({ where: { id }, data: name ? { displayName: name } : {} });
      return toAdapterUser(user);
    },
    async linkAccount() {
      // Nothing to store: the account is the user's (tid, oid).
    },
    async createSession({ sessionToken, userId, expires }) {
      const prisma = await db();
      const user = await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { tenantId: true } });
      await prisma.session.create({
        data: { id: hashSessionToken(sessionToken), userId, tenantId: user.tenantId, expiresAt: expires },
      });
      return { sessionToken, userId, expires };
    },
    async getSessionAndUser(sessionToken) {
      const row = await findSession(await db(), sessionToken);
      if (!row) return null;
      return {
        session: { sessionToken, userId: row.userId, expires: row.expiresAt },
        user: { id: row.userId, name: row.userName, email: row.userEmail ?? "", emailVerified: null },
      };
    },
    async updateSession({ sessionToken, expires }): Promise<AdapterSession | null> {
      if (!expires) return null;
      const updated = await (
        await db()
      ).session
        .update({ where: { id: hashSessionToken(sessionToken) }, data: { expiresAt: expires } })
        .catch(() => null);
      return updated ? { sessionToken, userId: updated.userId, expires: updated.expiresAt } : null;
    },
    async deleteSession(sessionToken) {
      await (await db()).session.deleteMany({ where: { id: hashSessionToken(sessionToken) } });
    },
  };
}
