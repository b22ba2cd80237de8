import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { findSession, sessionCookie } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { recordAdminConsent, recordRefusal } from "@/lib/tenants/admin-signup";
import { clearProgress, readProgress } from "@/lib/tenants/admin-signup-http";
import { refreshOrganization } from "@/lib/tenants/organization";

export const dynamic = "force-dynamic";

/** Both proofs in hand, for the person signed in in this browser: the tenant is admin-consented. */
export async function GET(): Promise<Response> {
  const progress = await readProgress();
  await clearProgress();
  const prisma = await db();
  if (progress?.stage === "refused") {
    await recordRefusal(prisma, progress.reason, progress.tenant);
    redirect(`/signup/refused?reason=${progress.reason}`);
  }
  const session = await findSession(prisma, (await cookies()).get(sessionCookie().name)?.value);
  if (
    progress?.stage !== "verified" ||
    !session ||
    session.tenantId !== progress.tenant ||
    session.oid !== progress.oid
  ) {
    await recordRefusal(prisma, "state", progress && "tenant" in progress ? progress.tenant : undefined);
    redirect("/signup/refused?reason=state");
  }
  await recordAdminConsent(prisma, { tenant: progress.tenant, adminOid: progress.oid, trialDays: config().trial.days });
  await refreshOrganization(prisma, progress.tenant);
  redirect("/dashboard");
}
