// GET /api/live: the process answers, and nothing more (no database, no identity provider).
// A liveness probe for containers (restart only a server that stopped answering, never one whose
// database is down: that is /api/health's readiness answer), and the framework's floor in
// `npm run bench`: the cheapest route the server has, beside which the gate's cost is read.
export const dynamic = "force-dynamic";

const ALIVE = JSON.stringify({ status: "alive" });

export function GET(): Response {
  return new Response(ALIVE, {
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
  });
}
