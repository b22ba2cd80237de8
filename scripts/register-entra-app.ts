// npm run entra:register -- --url https://app.example.com [--name "..."] [--personal-accounts] [--dry-run]
// Creates the app's multi-tenant Microsoft Entra app registration with the Azure CLI (`az`, signed
// in to your own tenant) from lib/entra/app-registration.ts, with the app roles of the operator
// console, adds a client secret and the service principal, and prints the variables to paste. The secret is printed once, to stdout: it is never
// written to a file. --dry-run prints the registration and the az commands, and runs none.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { brand } from "../lib/brand";
import { ConfigError } from "../lib/config";
import {
  type AppRole,
  type ApplicationManifest,
  InvalidAppUrlError,
  appRegistrationEnvironment,
  appRegistrationManifest,
  mergeAppRoles,
} from "../lib/entra/app-registration";

const USAGE =
  'Usage: npm run entra:register -- --url https://app.example.com [--name "Product name"] [--personal-accounts] [--dry-run]';

/** Exit 2: the command line is wrong (the message names the argument). */
function usageError(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

let options;
try {
  options = parseArgs({
    options: {
      url: { type: "string" },
      name: { type: "string" },
      "personal-accounts": { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  }).values;
} catch (error) {
  usageError((error as Error).message);
}
if (options.help) {
  console.info(USAGE);
  process.exit(0);
}
if (!options.url) usageError("--url: required, the app's public URL, such as https://app.example.com");
/** The product's name: --name, else PRODUCT_NAME (lib/config.ts), else the template's. */
function productName(): string {
  try {
    return brand.productName;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
const displayName = (options.name ?? productName()).trim();
if (!displayName) usageError("--name: must not be empty (customers see it on the consent screen)");
const personalAccounts = options["personal-accounts"];
const baseUrl = options.url;

let manifest: ApplicationManifest;
try {
  manifest = appRegistrationManifest({ baseUrl, displayName, personalAccounts });
} catch (error) {
  if (error instanceof InvalidAppUrlError) usageError(`--url: ${error.message}`);
  throw error;
}

// `az ad app create` sets the fields it has flags for, always as a multi-organization app; the rest
// of the manifest (audience, token version, groupMembershipClaims, the privacy statement and terms
// of use URLs in `info`, which az has no flags for) is PATCHed right after through
// Microsoft Graph, in one request: Graph refuses the personal-account audience unless
// api.requestedAccessTokenVersion is 2 (apiApplication resource type), which az cannot set.
// The PATCH carries the app roles too, added to those the app already has (az updates an app of
// the same display name): Graph refuses a PATCH that drops an enabled role (mergeAppRoles).
const { web, requiredResourceAccess, optionalClaims, appRoles, ...patch } = manifest;
const CREATE_AUDIENCE = "AzureADMultipleOrgs";
/** A client secret's lifetime: sign-in stops the day it expires, so the output says when. */
const SECRET_YEARS = 1;
const FILES = {
  requiredResourceAccess: "required-resource-accesses.json",
  optionalClaims: "optional-claims.json",
  patch: "application-patch.json",
};

/** The az commands, in order; `at(file)` is where a JSON file was written, `appId` what create answered. */
function azCommands(at: (file: string) => string, appId: string) {
  return {
    create: [
      ...["ad", "app", "create", "--display-name", displayName, "--sign-in-audience", CREATE_AUDIENCE],
      ...["--web-redirect-uris", ...web.redirectUris],
      ...["--enable-id-token-issuance", String(web.implicitGrantSettings.enableIdTokenIssuance)],
      ...["--enable-access-token-issuance", String(web.implicitGrantSettings.enableAccessTokenIssuance)],
      ...["--required-resource-accesses", `@${at(FILES.requiredResourceAccess)}`],
      ...["--optional-claims", `@${at(FILES.optionalClaims)}`],
    ],
    show: ["ad", "app", "show", "--id", appId],
    patch: [
      ...["rest", "--method", "PATCH", "--uri", `https://graph.microsoft.com/v1.0/applications(appId='${appId}')`],
      ...["--headers", "Content-Type=application/json", "--body", `@${at(FILES.patch)}`],
    ],
    secret: [
      ...["ad", "app", "credential", "reset", "--id", appId, "--append"],
      ...["--display-name", "entra:register", "--years", String(SECRET_YEARS)],
    ],
    servicePrincipal: ["ad", "sp", "create", "--id", appId],
  };
}

/** For people to read or copy: single quotes around anything a shell would split or expand. */
const shellWord = (arg: string) => (/^[\w@%+=:,./~-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`);
const commandLine = (args: string[]) => ["az", ...args].map(shellWord).join(" ");

if (options["dry-run"]) {
  const commands = azCommands((file) => file, "<appId>");
  console.info(`Microsoft Graph application (POST /v1.0/applications body):\n${JSON.stringify(manifest, null, 2)}\n`);
  console.info(
    [
      "The az commands (not run: --dry-run). The JSON files hold the manifest's pieces:",
      `  ${FILES.requiredResourceAccess}: requiredResourceAccess`,
      `  ${FILES.optionalClaims}: optionalClaims`,
      `  ${FILES.patch}: ${JSON.stringify({ ...patch, appRoles })}`,
      "  (appRoles: those az ad app show lists first, then the app's own where their id and value are free)",
      "",
      commandLine(["account", "show"]),
      commandLine(commands.create),
      commandLine(commands.show),
      commandLine(commands.patch),
      commandLine(commands.secret),
      commandLine(commands.servicePrincipal),
    ].join("\n"),
  );
  process.exit(0);
}

/** An az call that failed: `missing` when there is no az to call. */
class AzError extends Error {
  constructor(
    message: string,
    readonly missing = false,
  ) {
    super(message);
  }
}

const AZ_MISSING =
  "The Azure CLI (az) was not found on PATH. Install it (https://learn.microsoft.com/cli/azure/install-azure-cli), " +
  "or run this in Azure Cloud Shell. On Windows, run it from WSL: az is a .cmd file there, which runs only through a shell.";

/** Runs az with an argument array (no shell: names with spaces or quotes stay one argument). */
function az(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("az", [...args, "--output", "json"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let spawnError: NodeJS.ErrnoException | undefined;
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    child.on("error", (error: NodeJS.ErrnoException) => {
      spawnError = error;
      reject(error.code === "ENOENT" || error.code === "EINVAL" ? new AzError(AZ_MISSING, true) : error);
    });
    child.on("close", (code) => {
      if (spawnError) return;
      if (code === 0) resolve({ stdout, stderr });
      else reject(new AzError(`${commandLine(args.slice(0, 3))} ... failed (exit ${code}):\n${stderr.trim()}`));
    });
  });
}

function parsed<T>(stdout: string, what: string): T {
  try {
    return JSON.parse(stdout) as T;
  } catch {
    throw new AzError(`az answered ${what} with something other than JSON`);
  }
}

/** Exit 1, with az's own words: they name the problem (permissions, tenant policy, version). */
function fail(error: unknown, secret?: string): never {
  if (!(error instanceof AzError)) throw error;
  let message = error.message;
  if (secret) message = message.replaceAll(secret, "<secret>");
  if (/unrecognized arguments/.test(message)) message += "\nThis script needs Azure CLI 2.37 or later: az upgrade.";
  console.error(message);
  process.exit(1);
}

// Signed in, and to which tenant: the registration is created in the tenant az is signed in to.
let account: { tenantId?: string; tenantDisplayName?: string; user?: { name?: string } };
try {
  account = parsed((await az(["account", "show"])).stdout, "account show");
} catch (error) {
  if (error instanceof AzError && !error.missing) {
    fail(
      new AzError(
        "You are not signed in to the Azure CLI. Run `az login` (add --allow-no-subscriptions when your account has " +
          "no Azure subscription, --tenant <tenant id> to pick your own tenant), then run this again.\n" +
          error.message,
      ),
    );
  }
  fail(error);
}
const tenant = account.tenantDisplayName ? `${account.tenantDisplayName} (${account.tenantId})` : account.tenantId;
console.error(`Registering "${displayName}" in tenant ${tenant}, signed in as ${account.user?.name ?? "?"} ...`);

const dir = await mkdtemp(path.join(os.tmpdir(), "entra-app-"));
const at = (file: string) => path.join(dir, file);
let appId = "";
let secret = "";
let failure: unknown;
try {
  await writeFile(at(FILES.requiredResourceAccess), JSON.stringify(requiredResourceAccess), { mode: 0o600 });
  await writeFile(at(FILES.optionalClaims), JSON.stringify(optionalClaims), { mode: 0o600 });

  const created = await az(azCommands(at, "").create);
  appId = parsed<{ appId?: string }>(created.stdout, "ad app create").appId ?? "";
  if (!/^[0-9a-f-]{36}$/i.test(appId)) throw new AzError("az ad app create answered without an appId");
  // az patches, rather than creates, an app of the same display name: say so.
  if (/Found an existing application instance/.test(created.stderr)) {
    console.error(`An app named "${displayName}" existed already (${appId}): az updated it, and adds a secret to it.`);
  }
  const commands = azCommands(at, appId);
  const existing = parsed<{ appRoles?: AppRole[] }>((await az(commands.show)).stdout, "ad app show").appRoles ?? [];
  const roles = mergeAppRoles(existing, appRoles);
  await writeFile(at(FILES.patch), JSON.stringify({ ...patch, appRoles: roles }), { mode: 0o600 });
  await az(commands.patch);
  secret = parsed<{ password?: string }>((await az(commands.secret)).stdout, "ad app credential reset").password ?? "";
  if (!secret) throw new AzError("az ad app credential reset answered without a password");
} catch (error) {
  failure = error;
} finally {
  await rm(dir, { recursive: true, force: true });
}
if (failure) {
  if (appId) console.error(`The app registration ${appId} exists, unfinished: finish it in the portal, or delete it.`);
  fail(failure);
}

// The service principal in your own tenant: where you grant admin consent for your own use.
let servicePrincipalError: unknown;
try {
  await az(azCommands(at, appId).servicePrincipal);
} catch (error) {
  servicePrincipalError = error;
}

const expiry = new Date();
expiry.setUTCFullYear(expiry.getUTCFullYear() + SECRET_YEARS);
const expires = expiry.toISOString().slice(0, 10);
const env = appRegistrationEnvironment({ baseUrl, appId, secret, personalAccounts });
console.info(
  [
    `# Microsoft Entra app registration "${displayName}", tenant ${account.tenantId}`,
    ...env.map(([name, value]) => `${name}=${value}`),
    "",
    "Next steps:",
    "1. Paste these into your host's settings (or .env.local for development). The secret is shown only this",
    `   once; keep it in a secret store. It expires around ${expires}: add a new one before (az ad app credential`,
    `   reset --id ${appId} --append), then remove the old one.`,
    "2. Grant admin consent in your own tenant, for your own use of the app: Microsoft Entra admin center →",
    `   App registrations → ${displayName} → API permissions → Grant admin consent (or: az ad app permission`,
    `   admin-consent --id ${appId}). Customers consent through the app's /signup.`,
    "3. Publisher verification: Branding & properties → Publisher domain, then verify with your Microsoft",
    "   Partner Network ID (https://learn.microsoft.com/entra/identity-platform/publisher-verification-overview).",
    '   Unverified multi-tenant apps show "unverified" on the consent screen, and many organizations block',
    "   user consent to them.",
    `4. The consent screen links to ${manifest.info.privacyStatementUrl} and ${manifest.info.termsOfServiceUrl}:`,
    "   replace the template text of app/privacy and app/terms with your own before customers see them.",
    `5. The operator console is for the people you assign an operator role (${appRoles.map((role) => role.value).join(", ")}):`,
    `   Enterprise applications → ${displayName} → Users and groups → Add user/group, in your own tenant.`,
    "   The role is in their ID token from their next sign-in.",
  ].join("\n"),
);
if (servicePrincipalError) {
  console.error(`\nThe service principal was not created in your tenant (run az ad sp create --id ${appId}):`);
  fail(servicePrincipalError, secret);
}
