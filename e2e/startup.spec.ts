import { expect, test } from "@playwright/test";
import { spawnStandaloneServer, waitForExit } from "./support/standalone-server";

// The standalone server in production mode checks its configuration before it serves anything.
const database = "postgresql://app:hunter2-secret@127.0.0.1:9/app";

test.describe("wrong configuration stops the server at start, naming the variable", () => {
  for (const [variable, value, expected] of [
    ["DATABASE_URL", "mysql://root:hunter2-secret@db.example.com/app", "expected a PostgreSQL connection URL"],
    ["DATABASE_POOL_MAX", "0", "expected a whole number from 1 to 100"],
    ["AUTH_URL", "http://app.example.com", "expected an https:// URL in production (http:// only for localhost)"],
    ["ENTRA_EMULATOR", "1", "the local Entra ID emulator is for development only"],
  ] as const) {
    test(`${variable}=${value.replace(/:[^:@]+@/, ":***@")}`, async () => {
      const server = spawnStandaloneServer(3190, { DATABASE_URL: database, [variable]: value });
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

test.describe("in production a missing variable stops the server at start, naming it", () => {
  for (const [variable, expected] of [
    ["DATABASE_URL", "required in production: the embedded database (PGlite) is for development only"],
    ["AUTH_SECRET", "required: a random secret of at least 32 characters"],
    ["AUTH_MICROSOFT_ENTRA_ID_ID", "required in production: your Microsoft Entra app registration"],
    ["AUTH_MICROSOFT_ENTRA_ID_SECRET", "required in production: your Microsoft Entra app registration"],
    ["AUTH_MICROSOFT_ENTRA_ID_ISSUER", "required in production: your Microsoft Entra app registration"],
    ["AUTH_URL", "required in production (outside Vercel and Azure App Service)"],
  ] as const) {
    test(`without ${variable}`, async () => {
      const server = spawnStandaloneServer(3190, { DATABASE_URL: database, [variable]: "" });
      try {
        expect(await waitForExit(server, 30_000)).toBe(1); // it exits: it does not wait for a request
        expect(server.output()).toContain(`${variable}: ${expected}`);
        // Nothing else is wrong: the message names this variable alone.
        expect(server.output().match(/^ {2}- /gm)).toHaveLength(1);
        expect(server.output()).not.toContain("hunter2-secret");
      } finally {
        await server.stop();
      }
    });
  }
});
