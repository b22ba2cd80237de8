import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const { httpStatus, report } = await checkHealth();
  return Response.json(report, { status: httpStatus, headers: { "Cache-Control": "no-store" } });
}
