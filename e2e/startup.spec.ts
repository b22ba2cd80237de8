import { expect, test } from "@playwright/test";
import { spawnNextServer, waitForExit } from "./support/next-server";

test.describe("wrong configuration stops the server at start, naming the variable", () => {
  for (const [variable, value, expected] of [
    ["DATABASE_URL", "mysql://root:hunter2-secret@db.example.com/app", "expected a PostgreSQL connection URL"],
    ["DATABASE_POOL_MAX", "0", "expected a whole number from 1 to 100"],
  ] as const) {
    test(`${variable}=${value.replace(/:[^:@]+@/, ":***@")}`, async () => {
      const server = spawnNextServer(3190, { [variable]: value });
      try {
        expect(await waitForExit(server)).toBe(1);
        expect(server.output()).toContain(`${variable}: ${expected}`);
        expect(server.output()).not.toContain("hunter2-secret");
        expect(server.output()).not.toMatch(/^\s+at /m); // a message, not a stack trace
      } finally {
        await server.stop();
      }
    });
  }
});
