// GET or POST /api/jobs/run: every job now, for Vercel Cron (which sends
// `Authorization: Bearer <CRON_SECRET>`) and any outside scheduler (App Service: a WebJob or a
// Logic App calling it). Without CRON_SECRET configured the route does not exist (404); a wrong
// or missing secret is 401, compared in constant time.
import { createHash, timingSafeEqual } from "node:crypto";
import { config } from "../config";
import { runAllJobs } from "./jobs";

const digest = (value: string) => createHash("sha256").update(value).digest();

export function cronAuthorized(header: string | null, secret: string): boolean {
  const match = /^Bearer (.+)$/.exec(header ?? "");
  return Boolean(match) && timingSafeEqual(digest(match![1]!), digest(secret));
}

export async function runJobsRoute(request: Request): Promise<Response> {
  const headers = { "Cache-Control": "no-store" };
  const secret = config().jobs.cronSecret;
  if (!secret) return Response.json({ error: "not found" }, { status: 404, headers });
  if (!cronAuthorized(request.headers.get("authorization"), secret)) {
    return Response.json(
      { error: "unauthorized" },
      { status: 401, headers: { ...headers, "WWW-Authenticate": "Bearer" } },
    );
  }
  const result = await runAllJobs();
  return Response.json(result, { status: result.ok ? 200 : 503, headers });
}
