// tsx scripts/with-emulator.ts <command...>   (npm run dev uses it)
// Runs <command> (next dev) with Microsoft Entra ID configured: the app registration
// in the environment or .env files when there is one, else the local Entra ID emulator, started
// here and stopped with the command. "Runs with no Azure account." The emulator's app has the
// operator roles, and Pat of the publisher tenant holds Operator: a demo operator out of the box.
// With the emulator comes its local marketplace, unless a MARKETPLACE_* variable is set: the
// fulfillment app and the offer's technical configuration are registered there and the app
// pointed at it ("no Partner Center").
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import nextEnv from "@next/env";
import { DEMO_OPERATOR, PUBLISHER_TENANT_ID } from "../emulator/directory";
import { startEmulator, type RunningEmulator } from "../emulator/server";
import { LOCAL_EMULATOR_CLIENT_ID } from "../lib/config";
import { LOCAL_MARKETPLACE_CLIENT_ID } from "../lib/marketplace/config";
import {
  APPLICATION_PERMISSIONS,
  DELEGATED_SCOPES,
  OPERATOR_ROLE,
  appRoles,
  redirectUris,
} from "../lib/entra/app-registration";
const stateDir = path.join(process.env.ENTRA_EMULATOR_DIR || ".data/entra-emulator");

const command = process.argv.slice(2);
if (command.length === 0) {
  console.error("Usage: tsx scripts/with-emulator.ts <command...>   e.g. next dev");
  process.exit(2);
}

// The emulator is for development: production talks to Microsoft Entra ID (issue "Deploy").
if (process.env.NODE_ENV === "production" || command.includes("start")) {
  console.error(
    "The local Entra ID emulator is for development only (npm run dev). In production, set the " +
      "AUTH_MICROSOFT_ENTRA_ID_* variables of your Entra app registration and run the server directly.",
  );
  process.exit(1);
}

nextEnv.loadEnvConfig(process.cwd(), true);
const env: NodeJS.ProcessEnv = { ...process.env };
let stopEmulator = async () => {};

/** A secret kept in the emulator's folder, so sessions survive a restart of `npm run dev`. */
async function devAuthSecret(): Promise<string> {
  const file = path.join(stateDir, "auth-secret");
  const existing = await readFile(file, "utf8").catch(() => "");
  if (existing.trim().length >= 32) return existing.trim();
  const secret = randomBytes(32).toString("base64url");
  await mkdir(stateDir, { recursive: true });
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

const configured = [
  "AUTH_MICROSOFT_ENTRA_ID_ID",
  "AUTH_MICROSOFT_ENTRA_ID_SECRET",
  "AUTH_MICROSOFT_ENTRA_ID_ISSUER",
].filter((name) => env[name]);
if (configured.length > 0) {
  // Real Entra ID (or any authority the variables name): the emulator never starts.
  console.info(`Microsoft Entra ID: ${env.AUTH_MICROSOFT_ENTRA_ID_ISSUER ?? "(incomplete configuration)"}`);
} else {
  const appUrl = (env.AUTH_URL || `http://localhost:${env.PORT || 3000}`).replace(/\/$/, "");
  const port = (name: string, fallback: number) => {
    const value = Number(env[name] || fallback); // empty (NAME= in a .env file) means unset
    if (!Number.isInteger(value) || value < 0 || value > 65535) {
      console.error(`${name}: expected a port number, got "${env[name]}"`);
      process.exit(1);
    }
    return value;
  };
  try {
    const emulator = await startEmulator({
      tlsDir: stateDir,
      frontPort: port("EMULATOR_PORT", 4010),
      backPort: port("EMULATOR_TLS_PORT", 4011),
    });
    const secret = randomBytes(24).toString("base64url");
    emulator.registerApp({
      clientId: LOCAL_EMULATOR_CLIENT_ID,
      displayName: "AppSource SaaS Starter (local)",
      secret,
      redirectUris: redirectUris(appUrl),
      delegatedPermissions: [...DELEGATED_SCOPES],
      applicationPermissions: [...APPLICATION_PERMISSIONS],
      appRoles: appRoles(),
    });
    emulator.assignAppRole(LOCAL_EMULATOR_CLIENT_ID, { ...DEMO_OPERATOR, role: OPERATOR_ROLE.value });
    Object.assign(env, {
      ENTRA_EMULATOR: "1",
      AUTH_MICROSOFT_ENTRA_ID_ID: LOCAL_EMULATOR_CLIENT_ID,
      AUTH_MICROSOFT_ENTRA_ID_SECRET: secret,
      AUTH_MICROSOFT_ENTRA_ID_ISSUER: `${emulator.backUrl}/common/v2.0`,
      MICROSOFT_GRAPH_URL: emulator.backUrl,
      AUTH_URL: env.AUTH_URL || appUrl,
      AUTH_SECRET: env.AUTH_SECRET || (await devAuthSecret()),
      // The app's server trusts the emulator's local CA (read once, at process start).
      NODE_EXTRA_CA_CERTS: await trustBundle(emulator.caPath, env.NODE_EXTRA_CA_CERTS),
    });
    stopEmulator = () => emulator.stop();
    console.info(
      `Local Microsoft Entra ID emulator (no Azure account needed):\n` +
        `  sign-in pages  ${emulator.frontUrl}\n` +
        `  issuer         ${emulator.backUrl}/{tenant}/v2.0\n` +
        `  demo accounts  adele@contoso.com (admin), megan@contoso.com, ian@fabrikam.com (admin), ... see README\n` +
        `  operator       pat@adatum.com (app role ${OPERATOR_ROLE.value}); lee@adatum.com has no role`,
    );
    const marketplaceSet = Object.keys(env).filter((name) => name.startsWith("MARKETPLACE_") && env[name]);
    if (marketplaceSet.length === 0) {
      Object.assign(env, registerLocalMarketplace(emulator, appUrl));
      console.info(
        `Local marketplace (no Partner Center needed):\n` +
          `  buy a plan     ${emulator.marketplaceUrl}\n` +
          `  landing page   ${appUrl}/marketplace\n` +
          `  publisher      Adatum Software, pat@adatum.com (admin)`,
      );
    } else {
      console.info(`Marketplace: configured by ${marketplaceSet.join(", ")}; the local marketplace is not used.`);
    }
  } catch (error) {
    const busy = (error as NodeJS.ErrnoException).code === "EADDRINUSE";
    console.error(
      busy
        ? `The Entra ID emulator's port is taken (${(error as Error).message}). Stop the other process, or set EMULATOR_PORT / EMULATOR_TLS_PORT.`
        : `The Entra ID emulator could not start: ${(error as Error).message}`,
    );
    process.exit(1);
  }
}

/**
 * The offer's fulfillment app (single-tenant, in the publisher tenant) and its technical
 * configuration (landing page and webhook of the app), registered in the local marketplace; the
 * app's MARKETPLACE_* variables, and MARKETPLACE_EMULATOR_URL for a "Buy a plan" link.
 */
function registerLocalMarketplace(emulator: RunningEmulator, appUrl: string): Record<string, string> {
  const secret = randomBytes(24).toString("base64url");
  emulator.registerApp({
    clientId: LOCAL_MARKETPLACE_CLIENT_ID,
    displayName: "AppSource SaaS Starter fulfillment (local)",
    secret,
    tenantId: PUBLISHER_TENANT_ID,
    redirectUris: [],
    delegatedPermissions: [],
    applicationPermissions: [],
  });
  emulator.registerTechnicalConfiguration({
    publisherTenantId: PUBLISHER_TENANT_ID,
    fulfillmentClientId: LOCAL_MARKETPLACE_CLIENT_ID,
    landingPageUrl: `${appUrl}/marketplace`,
    webhookUrl: `${appUrl}/api/marketplace/webhook`,
  });
  return {
    MARKETPLACE_TENANT_ID: PUBLISHER_TENANT_ID,
    MARKETPLACE_CLIENT_ID: LOCAL_MARKETPLACE_CLIENT_ID,
    MARKETPLACE_CLIENT_SECRET: secret,
    MARKETPLACE_API_URL: emulator.marketplaceApiUrl,
    MARKETPLACE_EMULATOR_URL: emulator.marketplaceUrl,
  };
}

/** NODE_EXTRA_CA_CERTS names one file: join the emulator's CA with one already configured. */
async function trustBundle(caPath: string, existing: string | undefined): Promise<string> {
  if (!existing) return path.resolve(caPath);
  const bundle = path.join(stateDir, "ca-bundle.pem");
  await writeFile(bundle, `${await readFile(existing, "utf8")}\n${await readFile(caPath, "utf8")}`);
  return path.resolve(bundle);
}

const child = spawn(command[0]!, command.slice(1), { env, stdio: "inherit", shell: process.platform === "win32" });
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => {
  void stopEmulator().finally(() => process.exit(code ?? (signal ? 1 : 0)));
});
