// npm start: the production server of `npm run build` (.next/standalone/server.js), with the
// project's .env files loaded first, as `next start` would (.env.production.local, .env.local,
// .env.production, .env; the environment wins). Hosts run `node server.js` in the standalone
// folder instead and configure it through their environment alone.
import { existsSync } from "node:fs";
import nextEnv from "@next/env";

const server = new URL("../.next/standalone/server.js", import.meta.url);
if (!existsSync(server)) {
  console.error("No production build: run `npm run build` first.");
  process.exit(1);
}
nextEnv.loadEnvConfig(process.cwd(), false);
await import(server.href);
