import { redirect } from "next/navigation";
import { db } from "@/lib/db/client";
import { checkConsentCallback, consumeStateAtCallback } from "@/lib/tenants/admin-signup";
import { clearProgress, readProgress, writeProgress } from "@/lib/tenants/admin-signup-http";
import { logRefusedCallback } from "@/lib/tenants/admin-signup-log";
import { answerUnavailable } from "@/lib/db/outage-redirect";

export const dynamic = "force-dynamic";

/**
 * Back from Entra's admin consent. Nobody has proved who they are yet, so every failure here
 * gets the same answer, calls nobody and writes nothing about the claimed tenant (a log line
 * only); the app-only token (proof 4) waits for the administrator's own sign-in.
 */
async function consentCallback(request: Request): Promise<Response> {
  const query = new URL(request.url).searchParams;
  const progress = await readProgress();
  await clearProgress(); // single use, whatever happens next
  const check = checkConsentCallback(query, progress);
  const flow = check.ok ? await consumeStateAtCallback(await db(), query.get("state") ?? "") : null;
  if (!check.ok || !flow) {
    logRefusedCallback(check.ok ? "state" : check.reason, query);
    redirect("/signup/refused");
  }
  await writeProgress({ stage: "admin-sign-in", tenant: check.tenant, flow });
  redirect("/signup/verify");
}

// The database unreachable: the "temporarily unavailable" page (503), the sign-up to start again.
export const GET = (request: Request) => answerUnavailable(() => consentCallback(request), { path: "/signup" });
