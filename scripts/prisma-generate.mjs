// Generates the Prisma client (lib/db/generated) from prisma/schema.prisma; run by npm install.
// `prisma generate` does not run Prisma's native schema engine, but it wants the file present and
// downloads it when missing, which fails on machines without internet access. Pointing
// PRISMA_SCHEMA_ENGINE_BINARY at a stand-in lets it generate offline. The stand-in refuses to run,
// pointing at `npm run db:migrate`, which uses Prisma's WebAssembly schema engine instead.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const standIn = fileURLToPath(new URL("./offline-schema-engine.sh", import.meta.url));
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1" };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= standIn;

const result = spawnSync("npx", ["--no-install", "prisma", "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
