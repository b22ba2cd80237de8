// `npm run tenants -- <command>`: the operator's view of the tenant table, from a terminal.
//   list                        every tenant: status, trial end, users
//   approve <tid>               partner-led: start the trial of a PENDING tenant (TRIAL_DAYS)
//   extend <tid> <days>         add days to a trial (reopens an expired one)
//   activate <tid>              a paying customer: ACTIVE, no end date
//   suspend <tid>               cut the tenant off (open sessions at their next request)
//   reinstate <tid>             undo a suspension
// scripts/tenants.ts runs it with the process's arguments and environment; the tests call it here.
import { ConfigError, parseOperatorConfig } from "../config";
import { openDatabase } from "../db/client";
import { GUID } from "../guid";
import { effectiveStatus } from "./gate";
import {
  activateTenant,
  approveTrial,
  extendTrial,
  listTenants,
  reinstateTenant,
  suspendTenant,
  TenantLifecycleError,
} from "./lifecycle";

export const TENANTS_USAGE =
  "Usage: npm run tenants -- list | approve <tid> | extend <tid> <days> | activate <tid> | suspend <tid> | reinstate <tid>";

/** Where the command writes: standard output and standard error. */
export type CommandOutput = { info(line: string): void; error(line: string): void };

/**
 * Runs one command against the database `env` configures; returns the exit code: 0 done, 1
 * refused (a message says why, nothing changed), 2 not a command.
 */
export async function tenantsCommand(
  args: string[],
  env: Record<string, string | undefined>,
  out: CommandOutput,
  now: () => Date = () => new Date(),
): Promise<number> {
  const [command, tid, extra] = args;
  const known = ["list", "approve", "extend", "activate", "suspend", "reinstate"];
  if (!command || !known.includes(command) || (command !== "list" && !GUID.test(tid ?? ""))) {
    out.error(TENANTS_USAGE);
    return 2;
  }
  try {
    const { database, trialDays } = parseOperatorConfig(env);
    const { prisma, close } = await openDatabase(database);
    try {
      const show = (tenant: { id: string; status: string; trialEndsAt: Date | null }) =>
        out.info(
          `${tenant.id}  ${tenant.status}${tenant.trialEndsAt ? `  trial ends ${tenant.trialEndsAt.toISOString()}` : ""}`,
        );
      switch (command) {
        case "list": {
          const tenants = await listTenants(prisma);
          if (tenants.length === 0) out.info("No tenants yet.");
          for (const tenant of tenants) {
            const status = effectiveStatus(tenant.status, tenant.trialEndsAt, now());
            out.info(
              [
                tenant.id,
                status.padEnd(9),
                tenant.trialEndsAt?.toISOString().slice(0, 10) ?? "-".padEnd(10),
                `${tenant._count.users} user(s)`,
                tenant.displayName ?? tenant.contactEmail ?? "",
              ].join("  "),
            );
          }
          break;
        }
        case "approve":
          show(await approveTrial(prisma, tid!, trialDays));
          break;
        case "extend":
          show(await extendTrial(prisma, tid!, Number(extra)));
          break;
        case "activate":
          show(await activateTenant(prisma, tid!));
          break;
        case "suspend":
          show(await suspendTenant(prisma, tid!));
          break;
        case "reinstate":
          show(await reinstateTenant(prisma, tid!));
          break;
      }
      return 0;
    } finally {
      await close();
    }
  } catch (error) {
    const known = error instanceof ConfigError || error instanceof TenantLifecycleError;
    out.error(known ? (error as Error).message : `Failed: ${(error as Error).message}`);
    return 1;
  }
}
