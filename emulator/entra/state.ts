// The Entra ID face's state: the directory, the registered apps, consents, app role
// assignments, signing keys, and what is under way (sign-in interactions, issued codes, refresh tokens). The endpoint modules
// beside this one take it as their first parameter; only the control API replaces it wholesale.
import { RoleAssignmentStore, type AppRole } from "../app-roles";
import { ConsentStore, type App } from "../consent";
import { PERSONAL_ACCOUNTS_TENANT, seedDirectory, type Account, type Directory, type Tenant } from "../directory";
import { aadsts, EntraFailure } from "../errors";
import type { SigningKeys } from "../keys";
import type { Misbehaviour } from "../tokens";
import type { ActiveFault } from "./faults";

const MULTIPLEXERS = ["common", "organizations", "consumers"] as const;
type Multiplexer = (typeof MULTIPLEXERS)[number];

/** The first path segment of an Entra URL: a multiplexer, or one tenant (id or domain). */
export type Authority = { segment: string; multiplexer?: Multiplexer; tenant?: Tenant };

/** A sign-in under way: what the request asked, kept until the person has answered. */
export type Interaction = {
  id: string;
  kind: "authorize" | "adminconsent";
  authority: Authority;
  app: App;
  redirectUri: string;
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  responseMode: "query" | "form_post";
  permissions: string[];
  prompt?: string;
  loginHint?: string;
  domainHint?: string;
  account?: Account;
  expiresAt: number;
};

export type IssuedCode = {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce?: string;
  permissions: string[];
  account: Account;
  authTime: number;
  expiresAt: number;
  redeemed: boolean;
};

export type RefreshGrant = { clientId: string; account: Account; permissions: string[]; authTime: number };

export class Emulator {
  directory: Directory = seedDirectory();
  readonly apps = new Map<string, App>();
  readonly consents = new ConsentStore();
  readonly roleAssignments = new RoleAssignmentStore();
  readonly codes = new Map<string, IssuedCode>();
  readonly refreshTokens = new Map<string, RefreshGrant>();
  readonly interactions = new Map<string, Interaction>();
  /** What a test asked the next token endpoint response to get wrong. */
  misbehaviour?: { kind: Misbehaviour; delayMs: number };
  /** An outage of discovery or the key set a test asked for, until it clears it (faults.ts). */
  fault?: ActiveFault;
  /**
   * Requests served, for tests that count (e.g. how often a client fetched the key set, or how
   * often each app asked for an app-only token: a cache shared by several servers asks once).
   */
  readonly stats = {
    jwksRequests: 0,
    tokenRequests: 0,
    faultyResponses: 0,
    /** Client credentials grants by the client id that authenticated, refused ones too. */
    clientCredentialRequests: {} as Record<string, number>,
  };

  constructor(
    readonly keys: SigningKeys,
    readonly frontUrl: string,
    readonly backUrl: string,
    readonly keyGraceMs: number,
    readonly codeLifetimeMs: number,
  ) {}

  /**
   * Back to the seeded directory with nothing consented or under way; apps, their role
   * assignments (those of accounts the seed has) and keys stay: the launcher that registered the
   * app assigned its demo roles once, at start.
   */
  reset(): void {
    this.directory = seedDirectory();
    this.roleAssignments.keepAccountsOf(this.directory);
    this.consents.reset();
    this.codes.clear();
    this.refreshTokens.clear();
    this.interactions.clear();
    this.misbehaviour = undefined;
    this.fault = undefined;
  }

  private tenantBySegment(segment: string): Tenant | undefined {
    const lower = segment.toLowerCase();
    for (const tenant of this.directory.tenants.values()) {
      if (tenant.id === lower || tenant.initialDomain === lower || tenant.domains.includes(lower)) return tenant;
    }
    return undefined;
  }

  authority(segment: string): Authority {
    const multiplexer = MULTIPLEXERS.find((name) => name === segment.toLowerCase());
    if (multiplexer) return { segment: multiplexer, multiplexer };
    const tenant = this.tenantBySegment(segment);
    if (!tenant) throw new EntraFailure(aadsts.tenantNotFound(segment));
    return { segment: tenant.id, tenant };
  }

  /** Who can sign in through an authority: /organizations refuses personal accounts, etc. */
  accountsFor(authority: Authority): Account[] {
    const accounts = this.directory.accounts;
    const personal = (account: Account) => account.tenantId === PERSONAL_ACCOUNTS_TENANT;
    switch (authority.multiplexer) {
      case "common":
        return accounts.filter((account) => !account.homeTenantId);
      case "organizations":
        return accounts.filter((account) => !account.homeTenantId && !personal(account));
      case "consumers":
        return accounts.filter(personal);
      default:
        return accounts.filter((account) => account.tenantId === authority.tenant?.id);
    }
  }

  /** Registers an app, or registers it anew: then without the role assignments it had. */
  register(app: App): void {
    this.apps.set(app.clientId, app);
    this.roleAssignments.forgetApp(app.clientId);
  }

  /**
   * What an app role assignment names, or why it is refused: the app (404 when unknown), a role
   * it defines, enabled and assignable to users, and an account of the tenant (400 otherwise).
   */
  roleAssignment(
    clientId: string,
    tenantId: string,
    oid: string,
    role: string,
  ): { app: App; account: Account; appRole: AppRole } | { status: 400 | 404; error: string } {
    const app = this.apps.get(clientId);
    if (!app) return { status: 404, error: `no app ${clientId} is registered` };
    const appRole = (app.appRoles ?? []).find((candidate) => candidate.value === role);
    if (!appRole) return { status: 400, error: `role: the app defines no role "${role}"` };
    if (!appRole.isEnabled || !appRole.allowedMemberTypes.includes("User"))
      return { status: 400, error: `role: "${role}" is disabled or not assignable to users` };
    // A single-tenant app has an enterprise application in its home tenant only.
    if (app.tenantId && app.tenantId !== tenantId)
      return { status: 400, error: `tenantId: the app is single-tenant, registered in ${app.tenantId}` };
    const account = this.account(tenantId, oid);
    if (!account) return { status: 400, error: "tenantId, oid: no such account in the directory" };
    return { app, account, appRole };
  }

  account(tenantId: string, oid: string): Account | undefined {
    return this.directory.accounts.find((account) => account.tenantId === tenantId && account.oid === oid);
  }

  /** The app a request names, as the authority `segment` (a tenant id or a multiplexer) sees it. */
  app(clientId: string, segment: string): App {
    const app = this.apps.get(clientId);
    if (!app) throw new EntraFailure(aadsts.applicationNotFound(clientId, segment));
    if (app.tenantId && app.tenantId !== segment) {
      // A single-tenant app exists in its home tenant only (AADSTS50194 from /common and the like).
      const multiplexer = MULTIPLEXERS.some((name) => name === segment);
      throw new EntraFailure(
        multiplexer ? aadsts.notMultiTenant(clientId, segment) : aadsts.applicationNotFound(clientId, segment),
      );
    }
    return app;
  }

  /** An app is installed where it has a service principal; a single-tenant app in its home tenant. */
  installed(app: App, tenantId: string): boolean {
    return app.tenantId === tenantId || this.consents.servicePrincipal(tenantId, app.clientId) !== undefined;
  }
}
