// The console's tenant list: search, filter, sort and keyset pages (never OFFSET: a deep page
// costs what the first does), and the CSV export of the same filter, streamed page by page.
// Every read takes the operator gate's OperatorAccess.
import { Prisma } from "../db/generated/client";
import type { TenantStatus } from "../db/generated/enums";
import type { Database } from "../db/client";
import { decodeCursor, encodeCursor } from "./cursor";
import type { OperatorAccess } from "./gate";
import { GUID } from "../guid";

export const PAGE_SIZE = 50;
export const STATUSES = ["PENDING", "TRIAL", "EXPIRED", "ACTIVE", "SUSPENDED", "ENDED"] as const;
export type StatusFilter = (typeof STATUSES)[number];
export type SortOrder = "created" | "trial-end";

export type TenantQuery = {
  /** A tenant id (exact), a domain prefix (contains a dot), or a name or domain prefix. */
  q?: string;
  status?: StatusFilter;
  sort?: SortOrder;
  /** The page's start: the opaque cursor of the previous page's last row. */
  after?: string;
};

export type TenantListRow = {
  id: string;
  displayName: string | null;
  primaryDomain: string | null;
  status: TenantStatus;
  signupChannel: string;
  trialEndsAt: Date | null;
  createdAt: Date;
};

/** The cursor after `row` in the list sorted by `sort`. */
export function cursorOf(row: TenantListRow, sort: SortOrder): string {
  return encodeCursor(sort === "created" ? row.createdAt : row.trialEndsAt, row.id);
}

/** Escapes LIKE's wildcards in what a person typed. */
const likePrefix = (text: string) => `${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/**
 * The WHERE of a query. Each search is one an index serves: the id (primary key), a domain prefix
 * (primary_domain text_pattern_ops); a name is matched case-insensitively while the list walks its
 * sort index, so it stops after one page of matches.
 */
function conditions(query: TenantQuery): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  const q = query.q?.trim().slice(0, 200);
  if (q) {
    if (GUID.test(q)) where.push(Prisma.sql`id = ${q.toLowerCase()}::uuid`);
    else if (q.includes(".")) where.push(Prisma.sql`primary_domain LIKE ${likePrefix(q.toLowerCase())}`);
    else
      where.push(
        Prisma.sql`(primary_domain LIKE ${likePrefix(q.toLowerCase())} OR display_name ILIKE ${likePrefix(q)})`,
      );
  }
  // Statuses as the gate sees them: a trial past its end is EXPIRED, whatever the row says yet.
  if (query.status === "TRIAL") where.push(Prisma.sql`status = 'TRIAL' AND trial_ends_at > now()`);
  else if (query.status === "EXPIRED")
    where.push(
      Prisma.sql`(status = 'EXPIRED' OR (status = 'TRIAL' AND (trial_ends_at IS NULL OR trial_ends_at <= now())))`,
    );
  else if (query.status) where.push(Prisma.sql`status = ${query.status}::"TenantStatus"`);
  return where;
}

export async function listTenants(
  prisma: Database,
  _access: OperatorAccess,
  query: TenantQuery,
  pageSize = PAGE_SIZE,
): Promise<{ rows: TenantListRow[]; next: string | null }> {
  const sort = query.sort ?? "created";
  const where = conditions(query);
  const cursor = decodeCursor(query.after);
  let order: Prisma.Sql;
  if (sort === "created") {
    if (cursor?.key) where.push(Prisma.sql`(created_at, id) < (${cursor.key}, ${cursor.id}::uuid)`);
    order = Prisma.sql`ORDER BY created_at DESC, id DESC`;
  } else {
    // Trials by their end, soonest first; tenants without one (not in a trial) last.
    if (cursor) {
      where.push(
        cursor.key
          ? Prisma.sql`(trial_ends_at IS NULL OR (trial_ends_at, id) > (${cursor.key}, ${cursor.id}::uuid))`
          : Prisma.sql`(trial_ends_at IS NULL AND id > ${cursor.id}::uuid)`,
      );
    }
    order = Prisma.sql`ORDER BY trial_ends_at ASC NULLS LAST, id ASC`;
  }
  const whereSql = where.length ? Prisma.sql`WHERE ${Prisma.join(where, " AND ")}` : Prisma.empty;
  const rows = await prisma.$queryRaw<TenantListRow[]>`
    SELECT id::text AS id, display_name AS "displayName", primary_domain AS "primaryDomain",
           status::text AS status, signup_channel::text AS "signupChannel",
           trial_ends_at AS "trialEndsAt", created_at AS "createdAt"
      FROM tenant ${whereSql} ${order} LIMIT ${pageSize + 1}`;
  const page = rows.slice(0, pageSize);
  return { rows: page, next: rows.length > pageSize ? cursorOf(page.at(-1)!, sort) : null };
}

/** One CSV field (RFC 4180), never read as a formula by a spreadsheet (OWASP "CSV injection"). */
export function csvField(value: string | null | undefined): string {
  let text = value ?? "";
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV of the current filter, page by page as it is read: memory stays flat at any size. */
export function tenantsCsv(
  prisma: Database,
  access: OperatorAccess,
  query: Omit<TenantQuery, "after">,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after: string | undefined;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode("tenant_id,name,domain,status,signup_channel,trial_ends_at,created_at\r\n"));
      }
      const { rows, next } = await listTenants(prisma, access, { ...query, after }, 1_000);
      const lines = rows.map((row) =>
        [
          row.id,
          csvField(row.displayName),
          csvField(row.primaryDomain),
          row.status,
          row.signupChannel,
          row.trialEndsAt?.toISOString() ?? "",
          row.createdAt.toISOString(),
        ].join(","),
      );
      if (lines.length) controller.enqueue(encoder.encode(`${lines.join("\r\n")}\r\n`));
      if (!next) controller.close();
      else after = next;
    },
  });
}
