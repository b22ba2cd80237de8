// The admin sign-up's last step: the administrator has signed in (proof 3), in this browser, to
// the tenant that consented. Only now does the app ask Entra for an app-only token from that
// tenant (proof 4), and the consent counts only if the token's `roles` show the application
// permissions were granted. See ./admin-signup.ts for the whole sequence.
import { config } from "../config";
import type { Database } from "../db/client";
import { APPLICATION_PERMISSIONS } from "../entra/app-registration";
import { AppNotInstalledError, appTokenAllowingReplication, REPLICATION_RETRY_MS } from "../entra/msal";
import type { SessionRow } from "./gate";
import {
  finishFlow,
  permissionsGranted,
  recordRefusal,
  type SignedInRefusal,
  type SignupProgress,
} from "./admin-signup";
import { recordAdminConsent } from "./lifecycle";
import { refreshOrganization } from "./organization";

export type SignupOutcome = { ok: true } | { ok: false; reason?: SignedInRefusal | "unavailable" };

export async function completeAdminSignup(
  prisma: Database,
  progress: SignupProgress | null,
  session: Pick<SessionRow, "tenantId" | "oid"> | null,
  { retryDelaysMs = REPLICATION_RETRY_MS }: { retryDelaysMs?: readonly number[] } = {},
): Promise<SignupOutcome> {
  const actor = session ? `user:${session.tenantId}/${session.oid}` : "anonymous";
  if (progress?.stage === "refused" && session) {
    await recordRefusal(prisma, progress.reason, progress.tenant, actor);
    return { ok: false, reason: progress.reason };
  }
  // The same browser, the same person, the same tenant, and the sign-up finished once.
  if (
    progress?.stage !== "verified" ||
    !session ||
    session.tenantId !== progress.tenant ||
    session.oid !== progress.oid ||
    !(await finishFlow(prisma, progress.flow))
  ) {
    console.warn(
      `[signup] completion refused: no verified sign-up for this session (stage=${progress?.stage ?? "none"})`,
    );
    return { ok: false };
  }

  let roles: string[];
  try {
    // Fresh from Entra: a token cached before this consent (a user's trial sign-in fetched one)
    // would not show the application permissions the administrator just granted.
    ({ roles } = await appTokenAllowingReplication(progress.tenant, retryDelaysMs, { fresh: true }));
  } catch (error) {
    if (!(error instanceof AppNotInstalledError)) {
      console.error(`[signup] app-only token for ${progress.tenant}: ${(error as Error).message}`);
      return { ok: false, reason: "unavailable" };
    }
    await recordRefusal(prisma, "not-installed", progress.tenant, actor, { aadsts: error.code });
    return { ok: false, reason: "not-installed" };
  }
  if (!permissionsGranted(roles, APPLICATION_PERMISSIONS)) {
    await recordRefusal(prisma, "permissions-missing", progress.tenant, actor, {
      applicationPermissions: roles,
      required: [...APPLICATION_PERMISSIONS],
    });
    return { ok: false, reason: "permissions-missing" };
  }
  const { trial } = config();
  await recordAdminConsent(prisma, { tid: progress.tenant, adminOid: progress.oid, roles, trial });
  await refreshOrganization(prisma, progress.tenant);
  return { ok: true };
}
