// The local Entra ID emulator on its own (`npm run emulator`), in a process of its own, as a
// deployment sees Microsoft Entra ID: an issuer URL, a client id and secret, and a CA to trust.
// And its local marketplace, as a deployment sees the commercial marketplace: a fulfillment app
// (single-tenant, in the publisher tenant) and the offer's technical configuration naming the
// app's landing page and webhook. The sign-in app defines the operator roles, and Pat of the
// publisher tenant holds Operator (e2e/support/app-roles.ts changes who holds what).
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { DEMO_OPERATOR, PUBLISHER_TENANT_ID } from "../../emulator/directory";
import { OPERATOR_ROLE, appRoles, redirectUris } from "../../lib/entra/app-registration";
import { bundleEmulator } from "./emulator-bundle";
import { emulatorControl, emulatorDir } from "./emulator-control";
import { stopProcess } from "./standalone-server";

export type EmulatedEntra = {
  /**
   * The production variables of the app registration made in the emulator, and of the local
   * marketplace (MARKETPLACE_*, and MARKETPLACE_EMULATOR_URL: its purchase page).
   */
  settings: Record<string, string>;
  stop(): Promise<void>;
};

/** Starts the emulator for the app on `appPort` (ports appPort+10 and +11) and registers the app. */
export async function startEmulatorProcess(appPort: number, publicUrl: string): Promise<EmulatedEntra> {
  const dir = emulatorDir(appPort);
  const child = spawn(process.execPath, [await bundleEmulator(path.dirname(dir))], {
    env: {
      ...process.env,
      ENTRA_EMULATOR_DIR: dir,
      EMULATOR_PORT: String(appPort + 10),
      EMULATOR_TLS_PORT: String(appPort + 11),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the emulator did not start:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("issuer, token, Graph")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited (${code}):\n${output}`));
    });
  });

  const clientId = randomUUID();
  const secret = randomBytes(24).toString("base64url");
  const control = emulatorControl(appPort);
  const registered = await control("apps", {
    clientId,
    secret,
    displayName: "AppSource SaaS Starter (e2e)",
    redirectUris: redirectUris(publicUrl),
    appRoles: appRoles(),
  });
  if (registered.status !== 200) throw new Error(`registering the app failed: ${JSON.stringify(registered.json)}`);
  const operator = await control(`apps/${clientId}/role-assignments`, { ...DEMO_OPERATOR, role: OPERATOR_ROLE.value });
  if (operator.status !== 200)
    throw new Error(`assigning Pat the role Operator failed: ${JSON.stringify(operator.json)}`);

  const backUrl = `https://127.0.0.1:${appPort + 11}`;
  const marketplace = await registerFulfillmentApp(appPort, publicUrl.replace(/\/+$/, ""));
  return {
    settings: {
      AUTH_MICROSOFT_ENTRA_ID_ID: clientId,
      AUTH_MICROSOFT_ENTRA_ID_SECRET: secret,
      AUTH_MICROSOFT_ENTRA_ID_ISSUER: `${backUrl}/common/v2.0`,
      MICROSOFT_GRAPH_URL: backUrl,
      // Trust in the emulator's local CA, as a server trusts a corporate CA.
      NODE_EXTRA_CA_CERTS: path.resolve(dir, "ca.pem"),
      MARKETPLACE_TENANT_ID: PUBLISHER_TENANT_ID,
      MARKETPLACE_CLIENT_ID: marketplace.clientId,
      MARKETPLACE_CLIENT_SECRET: marketplace.secret,
      MARKETPLACE_API_URL: `${backUrl}/marketplace/api`,
      MARKETPLACE_EMULATOR_URL: `http://localhost:${appPort + 10}/marketplace`,
    },
    stop: () => stopProcess(child),
  };
}

/** The fulfillment app, in the publisher tenant, and the technical configuration naming it. */
async function registerFulfillmentApp(appPort: number, appUrl: string): Promise<{ clientId: string; secret: string }> {
  const control = emulatorControl(appPort);
  const clientId = randomUUID();
  const secret = randomBytes(24).toString("base64url");
  const app = await control("apps", {
    clientId,
    secret,
    displayName: "AppSource SaaS Starter fulfillment (e2e)",
    tenantId: PUBLISHER_TENANT_ID,
    redirectUris: [],
    delegatedPermissions: [],
    applicationPermissions: [],
  });
  if (app.status !== 200) throw new Error(`registering the fulfillment app failed: ${JSON.stringify(app.json)}`);
  const configured = await control("marketplace/technical-configuration", {
    publisherTenantId: PUBLISHER_TENANT_ID,
    fulfillmentClientId: clientId,
    landingPageUrl: `${appUrl}/marketplace`,
    webhookUrl: `${appUrl}/api/marketplace/webhook`,
  });
  if (configured.status !== 200)
    throw new Error(`registering the technical configuration failed: ${JSON.stringify(configured.json)}`);
  return { clientId, secret };
}
