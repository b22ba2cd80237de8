// npm run tenants -- <command>: the operator's view of the tenant table.
//   list                        every tenant: status, trial end, users
//   approve <tid>               partner-led: start the trial of a PENDING tenant (TRIAL_DAYS)
//   extend <tid> <days>         add days to a trial (reopens an expired one)
//   activate <tid>              a paying customer: ACTIVE, no end date
//   suspend <tid>               cut the tenant off (open sessions at their next request)
//   reinstate <tid>             undo a suspension
import nextEnv from "@next/env";
import { ConfigError, parseOperatorConfig } from "../lib/config";
import { openDatabase } from "../lib/db/client";
import { effectiveStatus } from "../lib/tenants/gate";
import {
  activateTenant,
  approveTrial,
  extendTrial,
  listTenants,
  reinstateTenant,
  suspendTenant,
  TenantLifecycleError,
} from "../lib/tenants/lifecycle";

const usage = `Usage: npm run tenants -- list | approve <tid> | extend <tid> <days> | activate <tid> | suspend <tid> | reinstate <tid>`;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function main(): Promise<number> {
  const [command, tid, extra] = process.argv.slice(2);
  if (!command || (command !== "list" && !GUID.test(tid ?? ""))) {
    console.error(usage);
    return 2;
  }
  nextEnv.loadEnvConfig(process.cwd());
  const { database, trialDays } = parseOperatorConfig(process.env);
  const { prisma, close } = await openDatabase(database);
  try {
    const show = (tenant: { id: string; status: string; trialEndsAt: Date | null }) =>
      console.info(
        `${tenant.id}  ${tenant.status}${tenant.trialEndsAt ? `  trial ends ${tenant.trialEndsAt.toISOString()}` : ""}`,
      );
    switch (command) {
      case "list": {
        const tenants = await listTenants(prisma);
        if (tenants.length === 0) console.info("No tenants yet.");
        for (const tenant of tenants) {
          const status = effectiveStatus(tenant.status, tenant.trialEndsAt, new Date());
          console.info(
            [
              tenant.id,
              status.padEnd(9),
              tenant.trialEndsAt?.toISOString().slice(0, 10) ?? "-".padEnd(10),
              `${tenant._count.users} user(s)`,
              tenant.displayName ?? tenant.contactEmail ?? "",
            ].join("  "),
          );
        }
        return 0;
      }
      case "approve":
        show(await approveTrial(prisma, tid!, trialDays));
        return 0;
      case "extend":
        show(await extendTrial(prisma, tid!, Number(extra)));
        return 0;
      case "activate":
        show(await activateTenant(prisma, tid!));
        return 0;
      case "suspend":
        show(await suspendTenant(prisma, tid!));
        return 0;
      case "reinstate":
        show(await reinstateTenant(prisma, tid!));
        return 0;
      default:
        console.error(usage);
        return 2;
    }
  } finally {
    await close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof ConfigError || error instanceof TenantLifecycleError;
    console.error(known ? (error as Error).message : `Failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
