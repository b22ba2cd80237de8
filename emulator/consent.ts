// Consent, as Entra ID keeps it: per tenant and app, a service principal created by the first
// consent; admin consent covering every user of the tenant; user consent covering one user.
import type { AppRole } from "./app-roles";
import type { Account, Directory } from "./directory";
import { isConsentAdmin } from "./directory";

export type App = {
  clientId: string;
  displayName: string;
  secret: string;
  redirectUris: string[];
  /** The Microsoft Graph permissions the app registration asks for. */
  delegatedPermissions: string[];
  applicationPermissions: string[];
  /**
   * A single-tenant app: its home tenant, the only authority that knows it (as the fulfillment app
   * a marketplace offer's technical configuration names). Undefined: multi-tenant.
   */
  tenantId?: string;
  /** The app roles the registration defines, for the `roles` claim of the users assigned one. */
  appRoles?: AppRole[];
};

export type ServicePrincipal = {
  tenantId: string;
  clientId: string;
  createdAt: Date;
  adminConsent?: { delegated: Set<string>; application: Set<string>; by: string; at: Date };
  userConsents: Map<string, Set<string>>;
};

/** OpenID Connect scopes: consented like Graph's delegated permissions, never in `scp`. */
export const oidcScopes = new Set(["openid", "profile", "email", "offline_access"]);

/** Delegated permissions a user can never consent to for themselves. */
export const adminOnlyPermissions = new Set([
  "User.Read.All",
  "User.ReadWrite.All",
  "Directory.Read.All",
  "Directory.ReadWrite.All",
  "Group.Read.All",
  "GroupMember.Read.All",
  "AuditLog.Read.All",
  "Application.Read.All",
]);

const GRAPH = "https://graph.microsoft.com/";

/** The permissions a `scope` parameter asks for; `.default` means the app registration's list. */
export function requestedPermissions(scope: string, app: App): string[] {
  const names = new Set<string>();
  for (const raw of scope.split(/\s+/).filter(Boolean)) {
    const name = raw.startsWith(GRAPH) ? raw.slice(GRAPH.length) : raw;
    if (name === ".default") app.delegatedPermissions.forEach((permission) => names.add(permission));
    else names.add(name);
  }
  return [...names];
}

export class ConsentStore {
  private readonly principals = new Map<string, ServicePrincipal>();

  private key(tenantId: string, clientId: string) {
    return `${tenantId}/${clientId}`;
  }

  servicePrincipal(tenantId: string, clientId: string): ServicePrincipal | undefined {
    return this.principals.get(this.key(tenantId, clientId));
  }

  /** First consent in a tenant "installs" the app there. */
  private ensure(tenantId: string, clientId: string): ServicePrincipal {
    const key = this.key(tenantId, clientId);
    let principal = this.principals.get(key);
    if (!principal) {
      principal = { tenantId, clientId, createdAt: new Date(), userConsents: new Map() };
      this.principals.set(key, principal);
    }
    return principal;
  }

  /** Delegated permissions this user already has for the app. */
  granted(account: Account, clientId: string): Set<string> {
    const principal = this.servicePrincipal(account.tenantId, clientId);
    return new Set([
      ...(principal?.adminConsent?.delegated ?? []),
      ...(principal?.userConsents.get(account.oid) ?? []),
    ]);
  }

  missing(account: Account, app: App, permissions: string[]): string[] {
    const granted = this.granted(account, app.clientId);
    return permissions.filter((permission) => !granted.has(permission));
  }

  recordUserConsent(account: Account, clientId: string, permissions: string[]): void {
    const principal = this.ensure(account.tenantId, clientId);
    const mine = principal.userConsents.get(account.oid) ?? new Set<string>();
    permissions.forEach((permission) => mine.add(permission));
    principal.userConsents.set(account.oid, mine);
  }

  /** Tenant-wide consent: the app registration's permissions plus what was asked. */
  recordAdminConsent(admin: Account, app: App, permissions: string[]): ServicePrincipal {
    const principal = this.ensure(admin.tenantId, app.clientId);
    principal.adminConsent = {
      delegated: new Set([...(principal.adminConsent?.delegated ?? []), ...app.delegatedPermissions, ...permissions]),
      application: new Set([...(principal.adminConsent?.application ?? []), ...app.applicationPermissions]),
      by: admin.oid,
      at: new Date(),
    };
    return principal;
  }

  /** An administrator deleted the app's service principal (enterprise app) from the tenant. */
  revoke(tenantId: string, clientId: string): boolean {
    return this.principals.delete(this.key(tenantId, clientId));
  }

  reset(): void {
    this.principals.clear();
  }
}

export type ConsentDecision =
  | { kind: "granted" }
  | { kind: "ask-user"; missing: string[] }
  | { kind: "ask-admin"; missing: string[] }
  | { kind: "needs-admin-approval"; missing: string[] };

/** What the user sees when `permissions` are asked of them (prompt=consent forces the question). */
export function decideConsent(
  directory: Directory,
  consents: ConsentStore,
  account: Account,
  app: App,
  permissions: string[],
  forcePrompt: boolean,
): ConsentDecision {
  const missing = forcePrompt ? permissions : consents.missing(account, app, permissions);
  if (missing.length === 0) return { kind: "granted" };
  if (isConsentAdmin(account)) return { kind: "ask-admin", missing };
  const tenant = directory.tenants.get(account.tenantId);
  const userMayConsent =
    tenant?.userConsentAllowed !== false && !missing.some((permission) => adminOnlyPermissions.has(permission));
  return userMayConsent ? { kind: "ask-user", missing } : { kind: "needs-admin-approval", missing };
}
