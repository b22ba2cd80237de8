// PGlite (PostgreSQL compiled to WebAssembly) served over the PostgreSQL wire protocol on a
// loopback port, so the app reaches it through @prisma/adapter-pg like any other PostgreSQL.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export type PgliteServer = {
  /** A postgresql:// URL that reaches this database. */
  url: string;
  stop(): Promise<void>;
};

export class EmbeddedDatabaseBusyError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is already open in another process (pid ${pid}). ` +
        `Stop that process first (for example the running "npm run dev"), or set DATABASE_URL to use a PostgreSQL server.`,
    );
    this.name = "EmbeddedDatabaseBusyError";
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite is a single-process database: two processes writing one folder corrupt it. A lock file
 * beside the folder holds the owner's pid; a lock left by a dead process is taken over. The same
 * process opening it twice is refused too: that would be two PGlite instances on one folder.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockPath = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lockPath, String(process.pid), { flag: "wx" });
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number.parseInt(await readFile(lockPath, "utf8").catch(() => ""), 10);
      if (Number.isInteger(owner) && isRunning(owner)) {
        throw new EmbeddedDatabaseBusyError(dataDir, owner);
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new Error(`Could not lock the embedded database folder ${dataDir}`);
}

/**
 * Opens (creating it when missing) a PGlite database in `dataDir`, or in memory when `dataDir`
 * is undefined, and serves it on 127.0.0.1 on a free port. `options` go to PGlite (the tests give
 * it compiled modules and a database to start from: test/databases.ts).
 */
export async function startPgliteServer(dataDir?: string, options: PGliteOptions = {}): Promise<PgliteServer> {
  let unlock = async () => {};
  if (dataDir) {
    // PGlite does not create missing parent folders of its data directory.
    await mkdir(path.dirname(dataDir), { recursive: true });
    unlock = await lockDataDir(dataDir);
  }
  try {
    const db = await PGlite.create(dataDir, options);
    // PGlite has one session, which the socket server shares between connections: it runs an
    // open transaction's queries alone, but it can interleave the messages of two connections
    // outside transactions. So the app's pool talks to it over one connection at a time
    // (lib/db/connection.ts). The server still accepts a few: a closing connection counts until
    // its socket is gone, and a server limited to one would refuse the connection replacing it.
    const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 8 });
    await server.start();
    const stop = async () => {
      await server.stop();
      await db.close();
      await unlock();
    };
    return { url: `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`, stop };
  } catch (error) {
    await unlock();
    throw error;
  }
}
