import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { findSession, sessionCookie } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { completeAdminSignup } from "@/lib/tenants/admin-signup-complete";
import { clearProgress, readProgress } from "@/lib/tenants/admin-signup-http";
import { answerUnavailable } from "@/lib/db/outage-redirect";

export const dynamic = "force-dynamic";

/** The administrator signed in (proof 3): now the app-only token (proof 4), then the consent is recorded. */
async function completeSignup(): Promise<Response> {
  const progress = await readProgress();
  await clearProgress();
  const prisma = await db();
  const session = await findSession(prisma, (await cookies()).get(sessionCookie().name)?.value);
  const outcome = await completeAdminSignup(prisma, progress, session);
  redirect(
    outcome.ok ? "/signup/approved" : outcome.reason ? `/signup/refused?reason=${outcome.reason}` : "/signup/refused",
  );
}

// The database unreachable: the "temporarily unavailable" page (503), the sign-up to start again.
export const GET = () => answerUnavailable(completeSignup, { path: "/signup" });
