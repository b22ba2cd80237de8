import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_OPERATOR, PUBLISHER_TENANT_ID } from "../emulator/directory";
import { OPERATOR_ROLE } from "../lib/entra/app-registration";

const printEnv = `console.log("ENV " + JSON.stringify(process.env))`;

// What scripts/with-emulator.ts hands the command it runs (here: a script that prints its env).
function launch(
  env: Record<string, string>,
  script = printEnv,
): Promise<{ code: number | null; output: string; childEnv: Record<string, string> }> {
  const child = spawn(
    process.execPath,
    [path.join("node_modules", "tsx", "dist", "cli.mjs"), "scripts/with-emulator.ts", process.execPath, "-e", script],
    {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "development",
        ENTRA_EMULATOR_DIR: ".data/test-with-emulator",
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
    child.on("exit", (code) => {
      const line = output.split("\n").find((candidate) => candidate.startsWith("ENV "));
      resolve({ code, output, childEnv: line ? JSON.parse(line.slice(4)) : {} });
    }),
  );
}

describe("scripts/with-emulator.ts (npm run dev)", () => {
  it("starts the local emulator and points the app at it when no Entra app is configured", async () => {
    const { code, output, childEnv } = await launch({ PORT: "3999" });
    expect(code).toBe(0);
    expect(output).toContain("Local Microsoft Entra ID emulator");
    expect(childEnv).toMatchObject({
      ENTRA_EMULATOR: "1",
      AUTH_URL: "http://localhost:3999",
      AUTH_MICROSOFT_ENTRA_ID_ISSUER: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+\/common\/v2\.0$/),
      AUTH_MICROSOFT_ENTRA_ID_ID: expect.stringMatching(/^[0-9a-f-]{36}$/),
      NODE_EXTRA_CA_CERTS: expect.stringMatching(/ca\.pem$/),
    });
    expect(childEnv.AUTH_SECRET!.length).toBeGreaterThanOrEqual(32);
  });

  it("registers the app with the operator roles, and Pat of the publisher tenant holds Operator", async () => {
    // The command asks the emulator, as a test would, through its control API (its CA is trusted).
    const askEmulator = `
      const { MICROSOFT_GRAPH_URL: base, AUTH_MICROSOFT_ENTRA_ID_ID: clientId } = process.env;
      const get = (route) => fetch(base + "/_emulator/" + route, { headers: { "x-emulator-control": "1" } }).then((r) => r.json());
      Promise.all([get("directory"), get("apps/" + clientId + "/role-assignments")]).then(([directory, assigned]) => {
        const app = directory.apps.find((candidate) => candidate.clientId === clientId);
        console.log("ROLES " + JSON.stringify({ defined: app.appRoles.map((role) => role.value), assigned }));
      });`;
    const { code, output } = await launch({ PORT: "3998" }, askEmulator);
    expect(code).toBe(0);
    const line = output.split("\n").find((candidate) => candidate.startsWith("ROLES "));
    expect(JSON.parse(line?.slice(6) ?? "null")).toEqual({
      defined: ["Operator", "Operator.Read"],
      assigned: {
        assignments: [
          { tenantId: PUBLISHER_TENANT_ID, oid: DEMO_OPERATOR.oid, role: "Operator", appRoleId: OPERATOR_ROLE.id },
        ],
      },
    });
    expect(output).toContain("pat@adatum.com (app role Operator)");
  });

  it("never starts the emulator when Entra is configured, and passes the configuration through", async () => {
    const entra = {
      AUTH_MICROSOFT_ENTRA_ID_ID: "3f0c5a9e-6b1d-4e2f-9a8c-7d6e5f4a3b21",
      AUTH_MICROSOFT_ENTRA_ID_SECRET: "real-secret",
      AUTH_MICROSOFT_ENTRA_ID_ISSUER: "https://login.microsoftonline.com/common/v2.0",
    };
    const { code, output, childEnv } = await launch(entra);
    expect(code).toBe(0);
    expect(output).not.toContain("Local Microsoft Entra ID emulator");
    expect(childEnv).toMatchObject(entra);
    expect(childEnv.ENTRA_EMULATOR).toBeUndefined();
    expect(childEnv.NODE_EXTRA_CA_CERTS).toBeUndefined();
  });

  it("refuses to run in production: the emulator never stands in for Entra ID there", async () => {
    const { code, output, childEnv } = await launch({ NODE_ENV: "production" });
    expect(code).toBe(1);
    expect(output).toContain("The local Entra ID emulator is for development only");
    expect(output).not.toContain("Local Microsoft Entra ID emulator (no Azure account needed)");
    expect(childEnv).toEqual({}); // the command never ran
  });
});
