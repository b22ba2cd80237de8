import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { databaseTargets, type TestDatabase } from "@/test/databases";
import { startTcpProxy, type TcpProxy } from "@/test/tcp-proxy";
import { openDatabase, type Database } from "./db/client";
import { migrateDatabase } from "./db/connection";
import { checkHealth } from "./health";

describe.each(databaseTargets)("health with $name stopping and coming back", (target) => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let prisma: Database;
  let close: () => Promise<void>;

  beforeAll(async () => {
    database = await target.create();
    await migrateDatabase(database.url);
    proxy = await startTcpProxy(database.url);
    ({ prisma, close } = await openDatabase({ kind: "postgres", url: proxy.url, poolMax: 2, connectTimeoutMs: 1_000 }));
  });
  afterAll(async () => {
    await close?.();
    await proxy?.close();
    await database?.drop();
  });

  const off = () => undefined;
  const ping = async () => {
    await prisma.$queryRaw`SELECT 1`;
  };

  it("answers 200, then 503 while the database is gone, then 200 again", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    expect((await checkHealth(ping, 3_000, off)).httpStatus).toBe(200);

    proxy.cut();
    const down = await checkHealth(ping, 3_000, off);
    expect(down).toEqual({ httpStatus: 503, report: { status: "unavailable", checks: { database: "down" } } });

    proxy.restore();
    expect((await checkHealth(ping, 3_000, off)).httpStatus).toBe(200);
  });
});
