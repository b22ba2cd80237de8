// The console's audit log: every event, newest first, filtered by tenant, type, actor and time,
// in keyset pages (occurred_at, id), as the tenant list pages.
import { Prisma } from "../db/generated/client";
import type { Database } from "../db/client";
import { decodeCursor, encodeCursor } from "./cursor";
import type { OperatorAccess } from "./gate";
import { GUID } from "../guid";

export const AUDIT_PAGE_SIZE = 50;

export type AuditQuery = {
  tenantId?: string;
  type?: string;
  actor?: string;
  from?: Date;
  to?: Date;
  after?: string;
};

export type AuditRow = {
  id: string;
  tenantId: string | null;
  tenantName: string | null;
  actor: string;
  type: string;
  detail: Record<string, unknown>;
  occurredAt: Date;
};

export async function auditLog(
  prisma: Database,
  _access: OperatorAccess,
  query: AuditQuery,
  pageSize = AUDIT_PAGE_SIZE,
): Promise<{ rows: AuditRow[]; next: string | null }> {
  const where: Prisma.Sql[] = [];
  if (query.tenantId && GUID.test(query.tenantId))
    where.push(Prisma.sql`e.tenant_id = ${query.tenantId.toLowerCase()}::uuid`);
  if (query.type) where.push(Prisma.sql`e.type = ${query.type.slice(0, 100)}`);
  if (query.actor) where.push(Prisma.sql`e.actor = ${query.actor.slice(0, 200)}`);
  if (query.from) where.push(Prisma.sql`e.occurred_at >= ${query.from}`);
  if (query.to) where.push(Prisma.sql`e.occurred_at < ${query.to}`);
  const cursor = decodeCursor(query.after);
  if (cursor?.key) where.push(Prisma.sql`(e.occurred_at, e.id) < (${cursor.key}, ${cursor.id}::uuid)`);
  const whereSql = where.length ? Prisma.sql`WHERE ${Prisma.join(where, " AND ")}` : Prisma.empty;
  const rows = await prisma.$queryRaw<AuditRow[]>`
    SELECT e.id::text AS id, e.tenant_id::text AS "tenantId", t.display_name AS "tenantName", e.actor, e.type,
           e.detail, e.occurred_at AS "occurredAt"
      FROM audit_event e LEFT JOIN tenant t ON t.id = e.tenant_id
      ${whereSql}
     ORDER BY e.occurred_at DESC, e.id DESC LIMIT ${pageSize + 1}`;
  const page = rows.slice(0, pageSize);
  const last = page.at(-1);
  return {
    rows: page,
    next: rows.length > pageSize && last ? encodeCursor(last.occurredAt, last.id) : null,
  };
}
