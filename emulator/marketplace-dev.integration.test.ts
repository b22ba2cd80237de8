import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LOCAL_MARKETPLACE_CLIENT_ID } from "@/lib/marketplace/config";
import { PUBLISHER_TENANT_ID } from "./directory";

// What scripts/with-emulator.ts (npm run dev) hands the app about the local marketplace (here the
// command is a script that prints its environment).
function launch(env: Record<string, string>): Promise<{ output: string; childEnv: Record<string, string> }> {
  const printEnv = `console.log("ENV " + JSON.stringify(process.env))`;
  const child = spawn(
    process.execPath,
    [path.join("node_modules", "tsx", "dist", "cli.mjs"), "scripts/with-emulator.ts", process.execPath, "-e", printEnv],
    {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "development",
        ENTRA_EMULATOR_DIR: ".data/test-with-marketplace",
        EMULATOR_PORT: "0",
        EMULATOR_TLS_PORT: "0",
        ...env,
      },
    },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk));
  return new Promise((resolve) =>
    child.on("exit", () => {
      const line = output.split("\n").find((candidate) => candidate.startsWith("ENV "));
      resolve({ output, childEnv: line ? JSON.parse(line.slice(4)) : {} });
    }),
  );
}

describe("npm run dev and the local marketplace", () => {
  it("registers the fulfillment app and points the app at the local marketplace when no MARKETPLACE_* is set", async () => {
    const { output, childEnv } = await launch({ PORT: "3998" });
    expect(output).toContain("Local marketplace (no Partner Center needed)");
    expect(childEnv).toMatchObject({
      MARKETPLACE_TENANT_ID: PUBLISHER_TENANT_ID,
      MARKETPLACE_CLIENT_ID: LOCAL_MARKETPLACE_CLIENT_ID,
      MARKETPLACE_CLIENT_SECRET: expect.stringMatching(/^[\w-]{32}$/),
      MARKETPLACE_API_URL: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+\/marketplace\/api$/),
      MARKETPLACE_EMULATOR_URL: expect.stringMatching(/^http:\/\/localhost:\d+\/marketplace$/),
    });
    expect(new URL(childEnv.MARKETPLACE_API_URL!).port).not.toBe(new URL(childEnv.MARKETPLACE_EMULATOR_URL!).port);
  });

  it("leaves a configured marketplace alone", async () => {
    const { output, childEnv } = await launch({ MARKETPLACE_API_URL: "https://marketplaceapi.microsoft.com/api" });
    expect(output).toContain("Marketplace: configured by MARKETPLACE_API_URL");
    expect(childEnv.MARKETPLACE_API_URL).toBe("https://marketplaceapi.microsoft.com/api");
    expect(childEnv.MARKETPLACE_CLIENT_ID).toBeUndefined();
    expect(childEnv.MARKETPLACE_EMULATOR_URL).toBeUndefined();
  });
});
