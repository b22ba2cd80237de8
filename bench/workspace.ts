// The workspace's pages in `npm run bench` (issue "what a page costs"): what a signed-in person
// loads, each measured like the gate's own request and given as a ratio to the floor of the same
// run. The bench's tenant is filled as a busy workspace: 50 notes and 50 people.
import { sql } from "./setup";

export const WORKSPACE_NOTES = 50;
export const WORKSPACE_PEOPLE = 50;

/** Notes and people for the tenant of the bench's session (seedSession), written by the server. */
export async function fillWorkspace(url: string, tenantId: string) {
  const { rows } = await sql(url, `SELECT id FROM "user" WHERE tenant_id = $1 LIMIT 1`, [tenantId]);
  const author = rows[0]!.id as string;
  await sql(
    url,
    `INSERT INTO "user" (id, tenant_id, oid, display_name, email, role, last_sign_in_at, seat_assigned_at, updated_at)
     SELECT gen_random_uuid(), $1, gen_random_uuid(), 'Person ' || i, 'person' || i || '@bench.example',
            CASE WHEN i % 10 = 0 THEN 'ADMIN'::"UserRole" ELSE 'MEMBER'::"UserRole" END,
            now() - i * interval '1 hour', now() - i * interval '1 day', now()
       FROM generate_series(1, $2) AS i`,
    [tenantId, WORKSPACE_PEOPLE - 1],
  );
  await sql(
    url,
    `INSERT INTO note (id, tenant_id, author_id, title, body, created_at, updated_at)
     SELECT gen_random_uuid(), $1, $2, 'Note ' || i, repeat('A line of a note. ', 20),
            now() - i * interval '1 hour', now() - i * interval '1 hour'
       FROM generate_series(1, $3) AS i`,
    [tenantId, author, WORKSPACE_NOTES],
  );
}

/** The workspace's pages, by the name their ratio takes in bench/results.json. */
export const workspacePages = {
  overview: "/dashboard",
  notes: "/notes",
  team: "/team",
  plan: "/plan",
} as const;
