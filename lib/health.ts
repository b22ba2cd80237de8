// What GET /api/health reports: 200 when the database answers, 503 when it does not.
// The body says which check failed and nothing more: no error text, no stack, no host names.
//
// With the marketplace configured it also carries the fulfillment credential's last outcome
// (lib/marketplace/credential-check.ts). That never makes the answer 503: a refused secret is the
// operator's to fix, and taking the instances out of the load balancer would also stop the trials.
import { markDatabaseDown, markDatabaseUp } from "./db/availability";
import { db } from "./db/client";
import { marketplaceHealth, type CredentialHealth } from "./marketplace/credential-check";

export type HealthReport = {
  status: "ok" | "unavailable";
  checks: { database: "up" | "down"; marketplaceCredential?: CredentialHealth };
};

export async function pingDatabase(): Promise<void> {
  const prisma = await db();
  await prisma.$queryRaw`SELECT 1`;
}

/** Runs `ping` with a deadline, so a database that hangs answers "down" rather than never. */
export async function checkHealth(
  ping: () => Promise<void> = pingDatabase,
  timeoutMs = 3_000,
  marketplace: () => CredentialHealth | undefined = marketplaceHealth,
): Promise<{ httpStatus: 200 | 503; report: HealthReport }> {
  const credential = marketplace();
  const extra = credential ? { marketplaceCredential: credential } : {};
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([ping(), deadline]);
    markDatabaseUp();
    return { httpStatus: 200, report: { status: "ok", checks: { database: "up", ...extra } } };
  } catch (error) {
    console.warn(`[health] database check failed: ${(error as Error).message}`);
    markDatabaseDown();
    return { httpStatus: 503, report: { status: "unavailable", checks: { database: "down", ...extra } } };
  } finally {
    clearTimeout(timer);
  }
}
