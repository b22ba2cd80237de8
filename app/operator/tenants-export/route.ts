import { db } from "@/lib/db/client";
import { currentOperator } from "@/lib/operators/access";
import { STATUSES, tenantsCsv, type StatusFilter } from "@/lib/operators/tenants";

export const dynamic = "force-dynamic";

/** The tenant list's current filter as CSV, streamed (the operator gate first, as for every read). */
export async function GET(request: Request): Promise<Response> {
  const decision = await currentOperator();
  if (decision.kind !== "allowed") return new Response("Sign in to the operator console first.", { status: 401 });
  const params = new URL(request.url).searchParams;
  const status = params.get("status");
  const stream = tenantsCsv(await db(), decision.access, {
    q: params.get("q")?.slice(0, 200) || undefined,
    status: STATUSES.includes(status as StatusFilter) ? (status as StatusFilter) : undefined,
    sort: params.get("sort") === "trial-end" ? "trial-end" : "created",
  });
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="tenants-${stamp}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
