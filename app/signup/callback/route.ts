import { redirect } from "next/navigation";
import { db } from "@/lib/db/client";
import { AppNotInstalledError, appTokenForTenant } from "@/lib/entra/msal";
import { checkConsentCallback, recordRefusal } from "@/lib/tenants/admin-signup";
import { clearProgress, readProgress, writeProgress } from "@/lib/tenants/admin-signup-http";

export const dynamic = "force-dynamic";

/** Back from Entra's admin consent: check it, prove the app is installed, then ask the admin to sign in. */
export async function GET(request: Request): Promise<Response> {
  const query = new URL(request.url).searchParams;
  const progress = await readProgress();
  await clearProgress(); // single use, whatever happens next
  const check = checkConsentCallback(query, progress);
  const prisma = await db();
  if (!check.ok) {
    await recordRefusal(
      prisma,
      check.reason,
      check.tenant,
      query.get("error") ? { error: query.get("error")!.slice(0, 100) } : {},
    );
    const refused = new URLSearchParams({ reason: check.reason });
    for (const name of ["error", "error_description"]) {
      const value = query.get(name);
      if (value) refused.set(name, value.slice(0, 500));
    }
    redirect(`/signup/refused?${refused}`);
  }

  // Proof 1: an app-only token from the tenant's own authority, for that tenant.
  try {
    await appTokenForTenant(check.tenant);
  } catch (error) {
    await recordRefusal(prisma, "not-installed", check.tenant, {
      aadsts: error instanceof AppNotInstalledError ? error.code : "unknown",
    });
    redirect("/signup/refused?reason=not-installed");
  }

  // Proof 2 comes from the administrator's own sign-in to that tenant (lib/auth/auth.ts).
  await writeProgress({ stage: "admin-sign-in", tenant: check.tenant });
  redirect("/signup/verify");
}
