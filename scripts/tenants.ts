// npm run tenants -- <command>: the operator's view of the tenant table (lib/tenants/command.ts
// lists the commands). The project's .env files are read first, as the app reads them.
import nextEnv from "@next/env";
import { tenantsCommand } from "../lib/tenants/command";

nextEnv.loadEnvConfig(process.cwd());
process.exit(await tenantsCommand(process.argv.slice(2), process.env, console));
