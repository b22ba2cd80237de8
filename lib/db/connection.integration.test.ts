import { describe, expect, it } from "vitest";
import { testDatabaseUrl } from "@/test/databases";
import { createPool } from "./connection";

// The CI server runs without TLS: a URL that demands TLS must be refused, never quietly
// downgraded to a plain connection. (Managed servers such as Azure Database for PostgreSQL and
// Neon are reached with ?sslmode=verify-full; see README.)
describe.runIf(testDatabaseUrl)("TLS options in DATABASE_URL", () => {
  const withSslMode = (mode: string) => {
    const url = new URL(testDatabaseUrl!);
    url.searchParams.set("sslmode", mode);
    return url.toString();
  };

  it("are respected: sslmode=verify-full refuses a server that offers no TLS", async () => {
    const pool = createPool(withSslMode("verify-full"), { max: 1, connectTimeoutMs: 5_000 });
    try {
      await expect(pool.query("SELECT 1")).rejects.toThrow(/does not support SSL/);
    } finally {
      await pool.end();
    }
  });

  it("are respected: sslmode=disable connects in plain text", async () => {
    const pool = createPool(withSslMode("disable"), { max: 1, connectTimeoutMs: 5_000 });
    try {
      const { rows } = await pool.query<{ one: number }>("SELECT 1 AS one");
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });
});
