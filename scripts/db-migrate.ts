// npm run db:migrate (lib/db/migrate-command.ts). The same .env files `npm run dev` and
// `npm start` read, so both see the same database.
import nextEnv from "@next/env";
import { dbMigrateCommand } from "../lib/db/migrate-command";

nextEnv.loadEnvConfig(process.cwd());
process.exit(await dbMigrateCommand(process.env, console));
