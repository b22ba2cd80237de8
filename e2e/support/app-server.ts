// The app as deployed, for specs that change tenant rows behind its back: the production build,
// the local Entra ID emulator (through scripts/with-emulator.ts, as npm run dev does), and a
// database the spec can reach too: a fresh one on TEST_DATABASE_URL's server, else PGlite.
import path from "node:path";
import { openDatabase, type Database } from "../../lib/db/client";
import { migrateDatabase } from "../../lib/db/connection";
import { startPgliteServer } from "../../lib/db/pglite";
import { databaseTargets } from "../../test/databases";
import { spawnNextServer, waitUntilServing, type NextServer } from "./next-server";

export type AppServer = { url: string; server: NextServer; prisma: Database; stop(): Promise<void> };

export async function startAppServer(port: number): Promise<AppServer> {
  const target = databaseTargets.at(-1)!;
  const database =
    target.name === "PGlite"
      ? await startPgliteServer().then((embedded) => ({ url: embedded.url, drop: () => embedded.stop() }))
      : await target.create();
  await migrateDatabase(database.url);
  const poolMax = target.name === "PGlite" ? 1 : 5;
  const url = `http://localhost:${port}`;
  const server = spawnNextServer(
    port,
    {
      DATABASE_URL: database.url,
      DATABASE_POOL_MAX: String(poolMax),
      AUTH_URL: url,
      PORT: String(port),
      EMULATOR_PORT: String(port + 10),
      EMULATOR_TLS_PORT: String(port + 11),
      ENTRA_EMULATOR_DIR: path.join(".data", `e2e-${port}`, "entra-emulator"),
      // The launcher fills these in from the emulator.
      AUTH_SECRET: "",
      AUTH_MICROSOFT_ENTRA_ID_ID: "",
      AUTH_MICROSOFT_ENTRA_ID_SECRET: "",
      AUTH_MICROSOFT_ENTRA_ID_ISSUER: "",
    },
    { withEmulator: true },
  );
  await waitUntilServing(server);
  const { prisma, close } = await openDatabase({
    kind: "postgres",
    url: database.url,
    poolMax: 1,
    connectTimeoutMs: 5_000,
  });
  return {
    url,
    server,
    prisma,
    async stop() {
      await server.stop();
      await close();
      await database.drop();
    },
  };
}
