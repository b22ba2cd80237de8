import { spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRegistrationManifest } from "../lib/entra/app-registration";

const APP_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const SECRET = "fAk3~secret.Value_0123456789";
const TENANT = "4a1e9b5c-2f3d-4c8a-9e6b-1d2c3b4a5f60";

// A stand-in for the Azure CLI: it writes each call (its arguments, and the content of every
// @file argument, read while the file still exists) to $FAKE_AZ_LOG, one JSON line per call, and
// answers as az does. $FAKE_AZ_FAIL names a call that fails as az fails ("account show");
// $FAKE_AZ_APP_ROLES the app roles of an app az found already (JSON).
const fakeAz = (node: string) => `#!${node}
const fs = require("node:fs");
const args = process.argv.slice(2);
const files = {};
for (const arg of args) if (arg.startsWith("@")) files[arg.slice(1)] = fs.readFileSync(arg.slice(1), "utf8");
fs.appendFileSync(process.env.FAKE_AZ_LOG, JSON.stringify({ args, files }) + "\\n");
const flag = args.findIndex((arg) => arg.startsWith("-"));
const call = args.slice(0, flag < 0 ? undefined : flag).join(" ");
if (call === process.env.FAKE_AZ_FAIL) {
  process.stderr.write("ERROR: Please run 'az login' to setup account.\\n");
  process.exit(1);
}
const answer = (body) => process.stdout.write(JSON.stringify(body, null, 2) + "\\n");
if (call === "account show") answer({ tenantId: "${TENANT}", tenantDisplayName: "Contoso", user: { name: "adele@contoso.com" } });
else if (call === "ad app create") answer({ appId: "${APP_ID}", id: "0f8fad5b-d9cb-469f-a165-70867728950e", displayName: args[4] });
else if (call === "ad app show") answer({ appId: "${APP_ID}", appRoles: JSON.parse(process.env.FAKE_AZ_APP_ROLES || "[]") });
else if (call === "rest") process.exit(0);
else if (call === "ad app credential reset") {
  process.stderr.write("WARNING: The output includes credentials that you must protect.\\n");
  answer({ appId: "${APP_ID}", password: "${SECRET}", tenant: "${TENANT}" });
} else if (call === "ad sp create") answer({ id: "5b2f0c6d-3e4a-4d9b-8f7c-2e3d4c5b6a71", appId: "${APP_ID}" });
else {
  process.stderr.write("ERROR: unexpected call " + call + "\\n");
  process.exit(2);
}
`;

let work: string;
let azDir: string;
let emptyDir: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "register-entra-app-"));
  azDir = path.join(work, "bin");
  emptyDir = path.join(work, "empty");
  await Promise.all([mkdir(azDir), mkdir(emptyDir)]);
  await writeFile(path.join(azDir, "az"), fakeAz(process.execPath));
  await chmod(path.join(azDir, "az"), 0o755);
});

afterAll(() => rm(work, { recursive: true, force: true }));

type Call = { args: string[]; files: Record<string, string> };

/** "ad app create" of `ad app create --display-name ...`. */
function commandOf(call: Call): string {
  const flag = call.args.findIndex((arg) => arg.startsWith("-"));
  return call.args.slice(0, flag < 0 ? undefined : flag).join(" ");
}

/** Runs the script with PATH = `pathDir` only (node is called by its path), and the calls az saw. */
async function register(
  args: string[],
  { pathDir = azDir, fail, appRoles }: { pathDir?: string; fail?: string; appRoles?: unknown[] } = {},
): Promise<{ code: number | null; stdout: string; stderr: string; calls: Call[] }> {
  const log = path.join(work, `calls-${Math.random().toString(36).slice(2)}.jsonl`);
  const child = spawn(
    process.execPath,
    [path.join("node_modules", "tsx", "dist", "cli.mjs"), "scripts/register-entra-app.ts", ...args],
    {
      env: {
        NODE_ENV: "test",
        PATH: pathDir,
        HOME: work,
        FAKE_AZ_LOG: log,
        ...(fail ? { FAKE_AZ_FAIL: fail } : {}),
        ...(appRoles ? { FAKE_AZ_APP_ROLES: JSON.stringify(appRoles) } : {}),
      },
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const lines = await readFile(log, "utf8").catch(() => "");
  const calls = lines
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Call);
  return { code, stdout, stderr, calls };
}

/** The values that follow `flag` in a call, up to the next flag. */
function valuesOf(call: Call, flag: string): string[] {
  const start = call.args.indexOf(flag);
  if (start < 0) return [];
  const end = call.args.findIndex((arg, index) => index > start && arg.startsWith("--"));
  return call.args.slice(start + 1, end < 0 ? undefined : end);
}

const fileOf = (call: Call, flag: string) => JSON.parse(call.files[valuesOf(call, flag)[0]!.slice(1)]!);
const callOf = (calls: Call[], command: string) => calls.find((call) => commandOf(call) === command)!;

describe.concurrent("scripts/register-entra-app.ts (npm run entra:register)", () => {
  it("creates the registration with az, then prints the variables to paste", async () => {
    const { code, stdout, stderr, calls } = await register([
      ...["--url", "https://app.example.com/", "--name", `Contoso's "Notes" app`],
    ]);
    expect(stderr).not.toContain(SECRET);
    expect(code).toBe(0);
    expect(calls.map(commandOf)).toEqual([
      "account show",
      "ad app create",
      "ad app show",
      "rest",
      "ad app credential reset",
      "ad sp create",
    ]);

    const manifest = appRegistrationManifest({
      baseUrl: "https://app.example.com",
      displayName: `Contoso's "Notes" app`,
      personalAccounts: false,
    });
    const create = callOf(calls, "ad app create");
    // One argument, quotes and all: no shell ever split it.
    expect(valuesOf(create, "--display-name")).toEqual([`Contoso's "Notes" app`]);
    expect(valuesOf(create, "--sign-in-audience")).toEqual(["AzureADMultipleOrgs"]);
    expect(valuesOf(create, "--web-redirect-uris")).toEqual([
      "https://app.example.com/api/auth/callback/microsoft-entra-id",
      "https://app.example.com/signup/callback",
    ]);
    expect(valuesOf(create, "--enable-id-token-issuance")).toEqual(["false"]);
    expect(valuesOf(create, "--enable-access-token-issuance")).toEqual(["false"]);
    expect(fileOf(create, "--required-resource-accesses")).toEqual(manifest.requiredResourceAccess);
    expect(fileOf(create, "--optional-claims")).toEqual(manifest.optionalClaims);

    const patch = callOf(calls, "rest");
    expect(valuesOf(patch, "--uri")).toEqual([`https://graph.microsoft.com/v1.0/applications(appId='${APP_ID}')`]);
    expect(fileOf(patch, "--body")).toEqual({
      displayName: `Contoso's "Notes" app`,
      signInAudience: "AzureADMultipleOrgs",
      info: {
        privacyStatementUrl: "https://app.example.com/privacy",
        termsOfServiceUrl: "https://app.example.com/terms",
      },
      groupMembershipClaims: "DirectoryRole",
      api: { requestedAccessTokenVersion: 2 },
      appRoles: manifest.appRoles,
    });
    // The operator console's roles, created with the registration.
    expect(manifest.appRoles.map((role) => role.value)).toEqual(["Operator", "Operator.Read"]);
    expect(valuesOf(callOf(calls, "ad app show"), "--id")).toEqual([APP_ID]);

    const secret = callOf(calls, "ad app credential reset");
    expect(valuesOf(secret, "--id")).toEqual([APP_ID]);
    expect(secret.args).toContain("--append");
    expect(valuesOf(callOf(calls, "ad sp create"), "--id")).toEqual([APP_ID]);

    expect(stdout).toContain(
      [
        `AUTH_MICROSOFT_ENTRA_ID_ID=${APP_ID}`,
        `AUTH_MICROSOFT_ENTRA_ID_SECRET=${SECRET}`,
        "AUTH_MICROSOFT_ENTRA_ID_ISSUER=https://login.microsoftonline.com/common/v2.0",
        "AUTH_URL=https://app.example.com",
      ].join("\n"),
    );
    expect(stdout).not.toContain("ALLOW_PERSONAL_ACCOUNTS");
    expect(stdout.split(SECRET)).toHaveLength(2); // printed once
    expect(stdout).toMatch(/admin consent/i);
    expect(stdout).toMatch(/Publisher verification/);
  });

  it("with --personal-accounts, patches the audience together with the v2 token version", async () => {
    const { code, stdout, calls } = await register(["--url", "http://localhost:3000", "--personal-accounts"]);
    expect(code).toBe(0);
    const create = callOf(calls, "ad app create");
    expect(valuesOf(create, "--display-name")).toEqual(["AppSource SaaS Starter"]);
    expect(valuesOf(create, "--web-redirect-uris")).toEqual([
      "http://localhost:3000/api/auth/callback/microsoft-entra-id",
      "http://localhost:3000/signup/callback",
    ]);
    expect(fileOf(callOf(calls, "rest"), "--body")).toMatchObject({
      signInAudience: "AzureADandPersonalMicrosoftAccount",
      api: { requestedAccessTokenVersion: 2 },
    });
    expect(stdout).toContain("AUTH_URL=http://localhost:3000\nALLOW_PERSONAL_ACCOUNTS=true");
  });

  it("updating an app az found keeps the roles it has and adds the operator roles (Graph refuses dropping one)", async () => {
    const support = {
      id: "d1c2b3a4-0000-4000-8000-000000000001",
      value: "Support",
      displayName: "Support",
      description: "Added by hand in the portal",
      allowedMemberTypes: ["User"],
      isEnabled: true,
    };
    const { code, calls } = await register(["--url", "https://app.example.com"], {
      appRoles: [{ ...support, origin: "Application" }],
    });
    expect(code).toBe(0);
    const body = fileOf(callOf(calls, "rest"), "--body");
    expect(body.appRoles.map((role: { value: string }) => role.value)).toEqual([
      "Support",
      "Operator",
      "Operator.Read",
    ]);
    expect(body.appRoles[0]).toEqual(support); // as it was, without the read-only origin
  });

  it("--dry-run prints the Graph application and the az commands, and calls az zero times", async () => {
    const { code, stdout, calls } = await register(["--url", "https://app.example.com", "--dry-run"]);
    expect(code).toBe(0);
    expect(calls).toEqual([]);
    const manifest = appRegistrationManifest({
      baseUrl: "https://app.example.com",
      displayName: "AppSource SaaS Starter",
      personalAccounts: false,
    });
    expect(stdout).toContain(JSON.stringify(manifest, null, 2));
    expect(stdout).toContain("az ad app create --display-name 'AppSource SaaS Starter' --sign-in-audience");
    expect(stdout).toContain("az ad sp create --id");
    expect(stdout).toContain("az ad app show --id '<appId>'");
    expect(stdout).toContain('"appRoles":[{"id":"192a4b2f-58d3-4c60-b2b4-1a1e3cfa17e3","value":"Operator"');
  });

  it("refuses a URL Entra would refuse, with exit 2, naming --url, before any az call", async () => {
    const { code, stderr, calls } = await register(["--url", "http://example.com"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^--url: http:\/\/example\.com must use https/);
    expect(calls).toEqual([]);
    expect((await register(["--url"])).code).toBe(2);
    expect((await register(["--url", "https://app.example.com", "--personal"])).stderr).toMatch(/--personal/);
  });

  it("says how to get the Azure CLI when az is not on PATH (exit 1)", async () => {
    const { code, stderr } = await register(["--url", "https://app.example.com"], { pathDir: emptyDir });
    expect(code).toBe(1);
    expect(stderr).toMatch(/The Azure CLI \(az\) was not found on PATH/);
  });

  it("says to run az login when az account show fails (exit 1), and creates nothing", async () => {
    const { code, stderr, calls } = await register(["--url", "https://app.example.com"], { fail: "account show" });
    expect(code).toBe(1);
    expect(stderr).toMatch(/Run `az login`/);
    expect(stderr).toContain("Please run 'az login' to setup account."); // az's own words
    expect(calls.map(commandOf)).toEqual(["account show"]);
  });
});
