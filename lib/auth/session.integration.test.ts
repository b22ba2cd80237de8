import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseTargets, migratedDatabase } from "@/test/databases";
import { openSession } from "@/test/sessions";
import { admitUser } from "../tenants/trial";
import { findSession } from "./session";

// The gate reads its row through the pool (lib/tenants/access.ts) and elsewhere through Prisma:
// both must read the same row, with the same types.
describe.each(databaseTargets)("findSession on $name", (target) => {
  const db = migratedDatabase(target, { poolMax: 1 });
  let pool: pg.Pool;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: db.url, max: 1 });
  });
  afterAll(async () => {
    await pool?.end();
  });

  it("reads the same row through node-postgres as through Prisma", async () => {
    const tid = randomUUID();
    const { userId } = await admitUser(
      db.prisma,
      { tid, oid: randomUUID(), name: "Robin" },
      { days: 30, mode: "customer" },
    );
    const token = await openSession(db.prisma, userId, tid);
    const throughPrisma = await findSession(db.prisma, token);
    // PGlite serves one connection at a time: the Prisma pool's is idle by now.
    const throughPool = await findSession(pool, token);
    expect(throughPrisma).toMatchObject({ userId, tenantId: tid, tenantStatus: "TRIAL", userName: "Robin" });
    expect(throughPrisma!.expiresAt).toBeInstanceOf(Date);
    expect(throughPool).toEqual(throughPrisma);
  });

  it("finds nothing for an unknown or expired token, either way", async () => {
    const tid = randomUUID();
    const { userId } = await admitUser(
      db.prisma,
      { tid, oid: randomUUID(), name: "Sam" },
      { days: 30, mode: "customer" },
    );
    const token = await openSession(db.prisma, userId, tid);
    const later = new Date(Date.now() + 2 * 3_600_000);
    expect(await findSession(pool, token, later)).toBeNull();
    expect(await findSession(db.prisma, token, later)).toBeNull();
    expect(await findSession(pool, randomUUID())).toBeNull();
  });
});
