// The control API for tests (back channel, JSON, /_emulator/...): read and change the directory,
// register apps, assign their app roles, revoke an app's service principal, rotate keys, ask for
// a misbehaviour or an outage. The routes are documented in README.md ("The local Entra ID emulator").
import { randomBytes, randomUUID } from "node:crypto";
import { parseAppRoles } from "../app-roles";
import type { App } from "../consent";
import { roles, type Account, type Tenant } from "../directory";
import { HttpError } from "../http";
import { misbehaviours, type Misbehaviour } from "../tokens";
import { endpointFaults, isEndpointFault } from "./faults";
import type { Emulator } from "./state";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function control(
  emulator: Emulator,
  method: string,
  path: string,
  body: Record<string, unknown>,
): Promise<Response> {
  const route = `${method} ${path}`;
  let match: RegExpMatchArray | null;
  if (route === "GET /_emulator/directory") {
    return Response.json({
      tenants: [...emulator.directory.tenants.values()],
      accounts: emulator.directory.accounts,
      apps: [...emulator.apps.values()].map((app) => ({ ...app, secret: undefined })),
      frontUrl: emulator.frontUrl,
      backUrl: emulator.backUrl,
    });
  }
  if (route === "GET /_emulator/stats") return Response.json(emulator.stats);
  if (route === "POST /_emulator/reset") {
    emulator.reset();
    return Response.json({ ok: true });
  }
  if (route === "POST /_emulator/apps") {
    const app = appSchema(body);
    if (app.tenantId && !emulator.directory.tenants.has(app.tenantId))
      return Response.json({ error: "tenantId: no such tenant in the directory" }, { status: 400 });
    emulator.register(app);
    return Response.json({ clientId: app.clientId });
  }
  if ((match = route.match(/^(GET|POST) \/_emulator\/apps\/([^/]+)\/role-assignments$/))) {
    return roleAssignments(emulator, match[1] === "GET" ? "list" : "assign", match[2]!, body);
  }
  if ((match = route.match(/^POST \/_emulator\/apps\/([^/]+)\/role-assignments\/remove$/))) {
    return roleAssignments(emulator, "remove", match[1]!, body);
  }
  if (route === "POST /_emulator/tenants") {
    const tenant: Tenant = {
      id: String(body.id ?? randomUUID()).toLowerCase(),
      displayName: String(body.displayName ?? "New tenant"),
      domains: Array.isArray(body.domains) ? body.domains.map(String) : [],
      initialDomain: String(body.initialDomain ?? `t${randomBytes(4).toString("hex")}.onmicrosoft.com`),
      userConsentAllowed: body.userConsentAllowed !== false,
    };
    if (!GUID.test(tenant.id)) return Response.json({ error: "id must be a GUID" }, { status: 400 });
    emulator.directory.tenants.set(tenant.id, tenant);
    return Response.json(tenant);
  }
  if (route === "POST /_emulator/users") {
    const tenantId = String(body.tenantId ?? "");
    if (!emulator.directory.tenants.has(tenantId)) return Response.json({ error: "unknown tenantId" }, { status: 400 });
    const account: Account = {
      tenantId,
      oid: String(body.oid ?? randomUUID()),
      name: String(body.name ?? "New user"),
      username: String(body.username ?? `user${randomBytes(3).toString("hex")}@example.com`),
      email: body.email === undefined ? String(body.username ?? "") || undefined : String(body.email),
      wids: Array.isArray(body.wids)
        ? body.wids.map(String)
        : body.admin
          ? [roles.globalAdministrator, roles.user]
          : [roles.user],
    };
    emulator.directory.accounts.push(account);
    return Response.json(account);
  }
  if ((match = route.match(/^POST \/_emulator\/tenants\/([^/]+)\/revoke$/))) {
    return Response.json({ revoked: emulator.consents.revoke(match[1]!, String(body.clientId ?? "")) });
  }
  if ((match = route.match(/^GET \/_emulator\/tenants\/([^/]+)\/service-principals\/([^/]+)$/))) {
    const principal = emulator.consents.servicePrincipal(match[1]!, match[2]!);
    if (!principal) return Response.json({ error: "not found" }, { status: 404 });
    return Response.json({
      tenantId: principal.tenantId,
      clientId: principal.clientId,
      adminConsent: principal.adminConsent
        ? {
            delegated: [...principal.adminConsent.delegated],
            application: [...principal.adminConsent.application],
            by: principal.adminConsent.by,
          }
        : null,
      userConsents: Object.fromEntries([...principal.userConsents].map(([oid, scopes]) => [oid, [...scopes]])),
    });
  }
  if (route === "POST /_emulator/keys/rotate") {
    // graceMs 0 is the abrupt rotation: the old key leaves the key set as the new one starts
    // signing. Entra publishes the next key ahead and keeps the old one a while; an app must
    // survive the worst case too.
    const graceMs = Number(body.graceMs ?? emulator.keyGraceMs);
    if (!Number.isFinite(graceMs) || graceMs < 0)
      return Response.json({ error: "graceMs must be a number of milliseconds, 0 or more" }, { status: 400 });
    return Response.json(await emulator.keys.rotate(graceMs));
  }
  if (route === "POST /_emulator/misbehave") {
    if (body.kind === "none") {
      // A test clears what it asked for and did not use, and ends an outage.
      emulator.misbehaviour = undefined;
      emulator.fault = undefined;
      return Response.json({ ok: true });
    }
    const kind = String(body.kind);
    const delayMs = Number(body.delayMs ?? 30_000);
    if (isEndpointFault(kind)) {
      const skip = Number(body.skip ?? 0);
      if (!Number.isInteger(skip) || skip < 0)
        return Response.json({ error: "skip must be a whole number, 0 or more" }, { status: 400 });
      emulator.fault = { kind, delayMs, skip };
      return Response.json({ ok: true });
    }
    if (!misbehaviours.includes(kind as Misbehaviour)) {
      const kinds = [...misbehaviours, ...endpointFaults].join(", ");
      return Response.json({ error: `kind must be one of ${kinds}` }, { status: 400 });
    }
    emulator.misbehaviour = { kind: kind as Misbehaviour, delayMs };
    return Response.json({ ok: true });
  }
  return Response.json({ error: "unknown control route" }, { status: 404 });
}

/**
 * An app's role assignments (its enterprise application's "Users and groups", in each tenant):
 * GET lists them, POST assigns `role` (its value) to the account `tenantId`/`oid`, POST .../remove
 * takes it away. Both answer 400 for a role the app does not define or an unknown account.
 */
function roleAssignments(
  emulator: Emulator,
  action: "list" | "assign" | "remove",
  clientId: string,
  body: Record<string, unknown>,
): Response {
  const app = emulator.apps.get(clientId);
  if (!app) return Response.json({ error: `no app ${clientId} is registered` }, { status: 404 });
  if (action === "list") {
    return Response.json({ assignments: emulator.roleAssignments.list(clientId, app.appRoles ?? []) });
  }
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  const role = text(body.role);
  const target = emulator.roleAssignment(
    clientId,
    text(body.tenantId).toLowerCase(),
    text(body.oid).toLowerCase(),
    role,
  );
  if ("error" in target) return Response.json({ error: target.error }, { status: target.status });
  const { account, appRole } = target;
  const assignment = { tenantId: account.tenantId, oid: account.oid, role, appRoleId: appRole.id };
  if (action === "remove") {
    return Response.json({ ...assignment, removed: emulator.roleAssignments.remove(clientId, account, appRole) });
  }
  emulator.roleAssignments.assign(clientId, account, appRole);
  return Response.json(assignment);
}

function appSchema(body: Record<string, unknown>): App {
  const list = (value: unknown, fallback: string[]) => (Array.isArray(value) ? value.map(String) : fallback);
  const clientId = String(body.clientId ?? "");
  if (!GUID.test(clientId) || typeof body.secret !== "string" || !body.secret) {
    throw new HttpError(400, JSON.stringify({ error: "clientId (GUID) and secret are required" }), "application/json");
  }
  // A single-tenant app (e.g. a marketplace fulfillment app) names its home tenant.
  const tenantId = body.tenantId === undefined ? undefined : String(body.tenantId).toLowerCase();
  if (tenantId !== undefined && !GUID.test(tenantId)) {
    throw new HttpError(400, JSON.stringify({ error: "tenantId must be a GUID" }), "application/json");
  }
  const appRoles = parseAppRoles(body.appRoles);
  if (typeof appRoles === "string") throw new HttpError(400, JSON.stringify({ error: appRoles }), "application/json");
  return {
    clientId,
    secret: body.secret,
    displayName: String(body.displayName ?? "App"),
    redirectUris: list(body.redirectUris, []),
    delegatedPermissions: list(body.delegatedPermissions, [
      "openid",
      "profile",
      "email",
      "offline_access",
      "User.Read",
    ]),
    applicationPermissions: list(body.applicationPermissions, ["Organization.Read.All"]),
    ...(tenantId ? { tenantId } : {}),
    appRoles,
  };
}
