// Who holds the app's roles in the emulator of a spec's server (emulator-process.ts, or the one
// `npm run dev` starts: both on appPort+11), as an administrator assigns them in the enterprise
// application of their tenant. The role shows in the person's ID token from their next sign-in.
import type { OperatorRole } from "../../lib/entra/app-registration";
import { emulatorControl } from "./emulator-control";

type Directory = {
  accounts: { tenantId: string; oid: string; username: string }[];
  apps: { clientId: string; appRoles?: { value: string }[] }[];
};

/** Gives `username` (e.g. "lee@adatum.com") the app role `role` in their own tenant. */
export function assignAppRole(appPort: number, username: string, role: OperatorRole): Promise<void> {
  return changeAppRole(appPort, username, role, "role-assignments");
}

/** Takes the app role `role` away from `username`; nothing happens when they did not hold it. */
export function removeAppRole(appPort: number, username: string, role: OperatorRole): Promise<void> {
  return changeAppRole(appPort, username, role, "role-assignments/remove");
}

async function changeAppRole(appPort: number, username: string, role: string, route: string): Promise<void> {
  const control = emulatorControl(appPort);
  const directory = (await control("directory")).json as Directory;
  const account = directory.accounts.find((candidate) => candidate.username === username);
  if (!account) throw new Error(`the emulator has no account ${username}`);
  // The sign-in app: the one app of the emulator that defines the role.
  const apps = directory.apps.filter((app) => app.appRoles?.some((defined) => defined.value === role));
  if (apps.length !== 1) throw new Error(`expected one app defining the role ${role}, found ${apps.length}`);
  const answer = await control(`apps/${apps[0]!.clientId}/${route}`, {
    tenantId: account.tenantId,
    oid: account.oid,
    role,
  });
  if (answer.status !== 200) throw new Error(`${route} of ${role} for ${username}: ${JSON.stringify(answer.json)}`);
}
