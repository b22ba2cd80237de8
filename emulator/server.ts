// A local Microsoft Entra ID (v2.0 endpoints) for development and tests.
//
// Two listeners, because browsers and servers need different things:
// - the front channel (plain HTTP on localhost): the pages a browser opens (authorize, account
//   picker, consent, admin consent, sign-out). A person signs in with no certificate warning.
// - the back channel (HTTPS, certificate from a local CA): discovery, keys, token, Microsoft
//   Graph and the control API. oauth4webapi and MSAL refuse plain-HTTP authorities; the app's
//   server trusts the CA through NODE_EXTRA_CA_CERTS. The issuer lives here.
// Entra serves both from login.microsoftonline.com; discovery ties the two together, so code that
// follows the discovery document (Auth.js, MSAL) works unchanged.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { decodeProtectedHeader, importJWK, jwtVerify, type JWTPayload } from "jose";
import { ConsentStore, decideConsent, oidcScopes, requestedPermissions, type App } from "./consent";
import { loadOrCreateTlsFiles } from "./certs";
import {
  isConsentAdmin,
  PERSONAL_ACCOUNTS_TENANT,
  roles,
  seedDirectory,
  type Account,
  type Directory,
  type Tenant,
} from "./directory";
import { aadsts, errorBody, redirectDescription, type EntraError } from "./errors";
import { SigningKeys } from "./keys";
import * as pages from "./pages";
import {
  GRAPH_APP_ID,
  graphAccessTokenClaims,
  idTokenClaims,
  misbehaviours,
  signIdToken,
  TOKEN_LIFETIME_S,
  type Misbehaviour,
} from "./tokens";

export type EmulatorOptions = {
  /** Folder for the local CA and certificate (kept between runs). */
  tlsDir: string;
  /** Ports; 0 picks free ones. */
  frontPort?: number;
  backPort?: number;
  /** How long a rotated key stays published. */
  keyGraceMs?: number;
  /** How long an authorization code can be redeemed (Entra: about 10 minutes). */
  codeLifetimeMs?: number;
};

export type RunningEmulator = {
  /** Browser-facing base URL, e.g. http://localhost:4010 */
  frontUrl: string;
  /** Back-channel base URL and issuer host, e.g. https://127.0.0.1:4011 */
  backUrl: string;
  caPath: string;
  ca: string;
  registerApp(app: App): void;
  stop(): Promise<void>;
};

const MULTIPLEXERS = ["common", "organizations", "consumers"] as const;
type Multiplexer = (typeof MULTIPLEXERS)[number];
type Authority = { segment: string; multiplexer?: Multiplexer; tenant?: Tenant };

const INTERACTION_LIFETIME_MS = 15 * 60 * 1000;
const SESSION_COOKIE = "entra_emulator_session";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Interaction = {
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

type IssuedCode = {
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

type RefreshGrant = { clientId: string; account: Account; permissions: string[]; authTime: number };

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly contentType = "text/html; charset=utf-8",
  ) {
    super(`HTTP ${status}`);
  }
}

/** The emulator's state and protocol logic; the two listeners route into it. */
export class Emulator {
  directory: Directory = seedDirectory();
  readonly apps = new Map<string, App>();
  readonly consents = new ConsentStore();
  private readonly codes = new Map<string, IssuedCode>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  private readonly interactions = new Map<string, Interaction>();
  private misbehaviour?: { kind: Misbehaviour; delayMs: number };
  /** Requests served, for tests that count (e.g. how often a client fetched the key set). */
  readonly stats = { jwksRequests: 0, tokenRequests: 0 };

  constructor(
    readonly keys: SigningKeys,
    readonly frontUrl: string,
    readonly backUrl: string,
    private readonly keyGraceMs: number,
    private readonly codeLifetimeMs: number,
  ) {}

  // ---- directory lookups -------------------------------------------------------------------

  private tenantBySegment(segment: string): Tenant | undefined {
    const lower = segment.toLowerCase();
    for (const tenant of this.directory.tenants.values()) {
      if (tenant.id === lower || tenant.initialDomain === lower || tenant.domains.includes(lower)) return tenant;
    }
    return undefined;
  }

  private authority(segment: string): Authority {
    const multiplexer = MULTIPLEXERS.find((name) => name === segment.toLowerCase());
    if (multiplexer) return { segment: multiplexer, multiplexer };
    const tenant = this.tenantBySegment(segment);
    if (!tenant) throw new EntraFailure(aadsts.tenantNotFound(segment));
    return { segment: tenant.id, tenant };
  }

  /** Who can sign in through an authority: /organizations refuses personal accounts, etc. */
  private accountsFor(authority: Authority): Account[] {
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

  private account(tenantId: string, oid: string): Account | undefined {
    return this.directory.accounts.find((account) => account.tenantId === tenantId && account.oid === oid);
  }

  private app(clientId: string, tenant: string): App {
    const app = this.apps.get(clientId);
    if (!app) throw new EntraFailure(aadsts.applicationNotFound(clientId, tenant));
    return app;
  }

  // ---- discovery and keys ------------------------------------------------------------------

  discovery(segment: string): Record<string, unknown> {
    const authority = this.authority(segment);
    const front = `${this.frontUrl}/${authority.segment}`;
    const back = `${this.backUrl}/${authority.segment}`;
    return {
      token_endpoint: `${back}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: `${back}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      // The multiplexers publish a template; a tenant publishes its own issuer.
      issuer: `${this.backUrl}/${authority.tenant?.id ?? "{tenantid}"}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${this.backUrl}/oidc/userinfo`,
      authorization_endpoint: `${front}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${back}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${front}/oauth2/v2.0/logout`,
      claims_supported: [
        "sub",
        "iss",
        "cloud_instance_name",
        "cloud_instance_host_name",
        "cloud_graph_host_name",
        "msgraph_host",
        "aud",
        "exp",
        "iat",
        "auth_time",
        "acr",
        "nonce",
        "preferred_username",
        "name",
        "tid",
        "ver",
        "at_hash",
        "c_hash",
        "email",
      ],
      code_challenge_methods_supported: ["plain", "S256"],
      tenant_region_scope: null,
      cloud_instance_name: "microsoftonline.com",
      cloud_graph_host_name: "graph.windows.net",
      msgraph_host: "graph.microsoft.com",
      rbac_url: "https://pas.windows.net",
    };
  }

  jwks(): { keys: unknown[] } {
    this.stats.jwksRequests++;
    return this.keys.jwks(`${this.backUrl}/{tenantid}/v2.0`);
  }

  // ---- authorization (front channel) ---------------------------------------------------------

  /**
   * The app a browser request names, and its redirect URI, which must be registered exactly. An
   * unknown app or redirect URI gets an error page, never a redirect (no open redirector).
   */
  private registeredClient(authority: Authority, query: URLSearchParams): { app: App; redirectUri: string } {
    const clientId = query.get("client_id") ?? "";
    const app = this.app(clientId, authority.segment);
    const redirectUri = query.get("redirect_uri") ?? "";
    if (!app.redirectUris.includes(redirectUri)) {
      throw new EntraFailure(aadsts.redirectUriNotRegistered(redirectUri, clientId));
    }
    return { app, redirectUri };
  }

  authorize(segment: string, query: URLSearchParams, sessionAccount: Account | undefined): Response | string {
    const authority = this.authority(segment);
    const { app, redirectUri } = this.registeredClient(authority, query);
    const clientId = app.clientId;

    const interaction = this.newInteraction("authorize", authority, app, redirectUri, query, {
      nonce: query.get("nonce") ?? undefined,
      codeChallenge: query.get("code_challenge") ?? undefined,
      responseMode: query.get("response_mode") === "form_post" ? "form_post" : "query",
      permissions: requestedPermissions(query.get("scope") ?? "openid", app),
      prompt: query.get("prompt") ?? undefined,
    });
    if (query.get("response_type") !== "code") return this.fail(interaction, aadsts.unsupportedResponseType());
    if (!interaction.codeChallenge || query.get("code_challenge_method") !== "S256") {
      return this.fail(interaction, aadsts.pkceRequired());
    }
    this.interactions.set(interaction.id, interaction);

    const candidates = this.accountsFor(authority);
    const session = sessionAccount && candidates.includes(sessionAccount) ? sessionAccount : undefined;
    const hinted = interaction.loginHint
      ? candidates.find((account) => account.username.toLowerCase() === interaction.loginHint)
      : undefined;

    if (interaction.prompt === "none") {
      const account = hinted ?? session;
      if (!account) return this.fail(interaction, aadsts.loginRequired());
      const decision = decideConsent(this.directory, this.consents, account, app, interaction.permissions, false);
      if (decision.kind !== "granted") return this.fail(interaction, aadsts.consentRequired(clientId));
      return this.issueCode(interaction, account);
    }
    const reuseSession =
      session &&
      interaction.prompt !== "login" &&
      interaction.prompt !== "select_account" &&
      (!hinted || hinted === session);
    if (reuseSession) return this.continueAs(interaction, session);
    return this.picker(interaction);
  }

  /** A sign-in under way: what the request asked, kept until the person has answered. */
  private newInteraction(
    kind: Interaction["kind"],
    authority: Authority,
    app: App,
    redirectUri: string,
    query: URLSearchParams,
    details: Partial<Interaction> & Pick<Interaction, "permissions">,
  ): Interaction {
    return {
      id: randomBytes(16).toString("base64url"),
      kind,
      authority,
      app,
      redirectUri,
      state: query.get("state") ?? undefined,
      responseMode: "query",
      loginHint: query.get("login_hint")?.toLowerCase() ?? undefined,
      domainHint: query.get("domain_hint")?.toLowerCase() ?? undefined,
      expiresAt: Date.now() + INTERACTION_LIFETIME_MS,
      ...details,
    };
  }

  private picker(interaction: Interaction): string {
    let accounts = this.accountsFor(interaction.authority);
    const hinted = accounts.filter((account) => account.username.toLowerCase() === interaction.loginHint);
    if (hinted.length && interaction.prompt !== "select_account") accounts = hinted;
    else if (interaction.domainHint) {
      const inDomain = accounts.filter((account) => {
        const tenant = this.directory.tenants.get(account.tenantId);
        return tenant && [tenant.id, tenant.initialDomain, ...tenant.domains].includes(interaction.domainHint!);
      });
      if (inDomain.length) accounts = inDomain;
    }
    if (interaction.kind === "adminconsent")
      accounts = accounts.filter((account) => account.tenantId !== PERSONAL_ACCOUNTS_TENANT);
    return pages.accountPicker({
      action: `/_interaction/${interaction.id}/account`,
      appName: interaction.app.displayName,
      accounts,
      tenants: this.directory.tenants,
      heading: interaction.kind === "adminconsent" ? "Sign in with an administrator account" : undefined,
    });
  }

  private interaction(id: string): Interaction {
    const interaction = this.interactions.get(id);
    if (!interaction || interaction.expiresAt < Date.now()) {
      throw new HttpError(
        400,
        pages.errorPage(90014, "This sign-in request has expired or is unknown. Start again from the application."),
      );
    }
    return interaction;
  }

  /** The account picked on the picker page. */
  chooseAccount(id: string, form: URLSearchParams): { result: Response | string; account: Account } {
    const interaction = this.interaction(id);
    const account = this.account(form.get("tid") ?? "", form.get("oid") ?? "");
    if (!account || !this.accountsFor(interaction.authority).includes(account)) {
      throw new EntraFailure(aadsts.accountNotAllowed(interaction.authority.segment));
    }
    if (interaction.kind === "adminconsent") {
      if (!isConsentAdmin(account)) {
        // Entra sends a non-admin back with an error; the app must not take it as consent.
        return { result: this.fail(interaction, aadsts.adminConsentRequired()), account };
      }
      interaction.account = account;
      return {
        result: pages.adminConsentPage({
          action: `/_interaction/${id}/consent`,
          appName: interaction.app.displayName,
          account,
          permissions: [...interaction.app.delegatedPermissions, ...interaction.app.applicationPermissions],
        }),
        account,
      };
    }
    return { result: this.continueAs(interaction, account), account };
  }

  /** What Entra would do about `account`'s consent to the interaction's app and permissions. */
  private consentFor(interaction: Interaction, account: Account, forcePrompt: boolean) {
    return decideConsent(this.directory, this.consents, account, interaction.app, interaction.permissions, forcePrompt);
  }

  private continueAs(interaction: Interaction, account: Account): Response | string {
    interaction.account = account;
    const decision = this.consentFor(interaction, account, interaction.prompt === "consent");
    const action = `/_interaction/${interaction.id}/consent`;
    switch (decision.kind) {
      case "granted":
        return this.issueCode(interaction, account);
      case "needs-admin-approval":
        return pages.needAdminApprovalPage({ action, appName: interaction.app.displayName, account });
      default:
        return pages.consentPage({
          action,
          appName: interaction.app.displayName,
          account,
          permissions: decision.missing,
          offerOrganization: decision.kind === "ask-admin",
        });
    }
  }

  /** Accept or cancel on a consent, admin consent or "Need admin approval" page. */
  decide(id: string, form: URLSearchParams): Response | string {
    const interaction = this.interaction(id);
    const account = interaction.account;
    if (!account) throw new HttpError(400, pages.errorPage(90014, "Pick an account first."));
    if (form.get("decision") !== "accept") return this.fail(interaction, aadsts.userDeclined(), "cancel");

    if (interaction.kind === "adminconsent") {
      this.consents.recordAdminConsent(account, interaction.app, interaction.permissions);
      this.interactions.delete(id);
      return this.redirect(interaction, {
        admin_consent: "True",
        tenant: account.tenantId,
        scope: "https://graph.microsoft.com/.default",
        ...(interaction.state !== undefined ? { state: interaction.state } : {}),
      });
    }
    const decision = this.consentFor(interaction, account, true);
    if (decision.kind === "needs-admin-approval") {
      // A crafted "accept" from someone who may not consent changes nothing.
      return this.fail(interaction, aadsts.adminConsentRequired());
    }
    if (decision.kind === "ask-admin" && form.get("organization") === "on") {
      this.consents.recordAdminConsent(account, interaction.app, interaction.permissions);
    } else {
      this.consents.recordUserConsent(account, interaction.app.clientId, interaction.permissions);
    }
    return this.issueCode(interaction, account);
  }

  adminConsent(segment: string, query: URLSearchParams): Response | string {
    const authority = this.authority(segment);
    const { app, redirectUri } = this.registeredClient(authority, query);
    if (authority.multiplexer === "consumers" || authority.multiplexer === "common") {
      // Admin consent is for organizations: /organizations or the tenant's own authority.
      throw new EntraFailure(aadsts.accountNotAllowed(authority.segment));
    }
    const interaction = this.newInteraction("adminconsent", authority, app, redirectUri, query, {
      permissions: requestedPermissions(query.get("scope") ?? "https://graph.microsoft.com/.default", app),
    });
    this.interactions.set(interaction.id, interaction);
    return this.picker(interaction);
  }

  private issueCode(interaction: Interaction, account: Account): Response | string {
    const code = randomBytes(32).toString("base64url");
    this.codes.set(code, {
      clientId: interaction.app.clientId,
      redirectUri: interaction.redirectUri,
      codeChallenge: interaction.codeChallenge!,
      nonce: interaction.nonce,
      permissions: interaction.permissions,
      account,
      authTime: Math.floor(Date.now() / 1000),
      expiresAt: Date.now() + this.codeLifetimeMs,
      redeemed: false,
    });
    this.interactions.delete(interaction.id);
    return this.redirect(interaction, {
      code,
      ...(interaction.state !== undefined ? { state: interaction.state } : {}),
      session_state: randomUUID(),
    });
  }

  private fail(interaction: Interaction, failure: EntraError, subcode?: string): Response | string {
    this.interactions.delete(interaction.id);
    return this.redirect(interaction, {
      error: failure.error,
      error_description: redirectDescription(failure),
      ...(subcode ? { error_subcode: subcode } : {}),
      ...(interaction.state !== undefined ? { state: interaction.state } : {}),
    });
  }

  private redirect(interaction: Interaction, params: Record<string, string>): Response | string {
    if (interaction.responseMode === "form_post") return pages.formPost(interaction.redirectUri, params);
    const target = new URL(interaction.redirectUri);
    for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
    return new Response(null, { status: 302, headers: { location: target.toString() } });
  }

  sessionAccount(cookieHeader: string | undefined): Account | undefined {
    const value = cookieHeader
      ?.split(";")
      .map((part) => part.trim().split("="))
      .find(([name]) => name === SESSION_COOKIE)?.[1];
    if (!value) return undefined;
    const [tenantId, oid] = decodeURIComponent(value).split(":");
    return this.account(tenantId ?? "", oid ?? "");
  }

  logout(query: URLSearchParams): Response {
    const target = query.get("post_logout_redirect_uri");
    const allowed =
      target &&
      [...this.apps.values()].some((app) => app.redirectUris.some((uri) => new URL(uri).origin === safeOrigin(target)));
    const headers = new Headers({ "set-cookie": `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax` });
    if (allowed) {
      headers.set("location", target);
      return new Response(null, { status: 302, headers });
    }
    headers.set("content-type", "text/html; charset=utf-8");
    return new Response(pages.signedOutPage(), { status: 200, headers });
  }

  // ---- token endpoint (back channel) -------------------------------------------------------

  async token(
    segment: string,
    form: URLSearchParams,
    authorization: string | null,
    signal: AbortSignal,
  ): Promise<Response> {
    this.stats.tokenRequests++;
    const misbehaviour = this.misbehaviour;
    this.misbehaviour = undefined;
    switch (misbehaviour?.kind) {
      case "token-500":
        return Response.json(
          { error: "temporarily_unavailable", error_description: "AADSTS50000: There was an error issuing a token." },
          { status: 500 },
        );
      case "token-html":
        return new Response("<html><body><h1>Service unavailable</h1></body></html>", {
          status: 200,
          headers: { "content-type": "text/html" },
        });
      case "token-empty-json":
        return Response.json({});
      case "token-huge":
        return Response.json({ token_type: "Bearer", padding: "x".repeat(20 * 1024 * 1024) });
      case "token-slow":
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, misbehaviour.delayMs);
          signal.addEventListener("abort", () => {
            clearTimeout(timer);
            resolve();
          });
        });
    }
    try {
      const authority = this.authority(segment);
      const client = this.authenticateClient(form, authorization, authority.segment);
      const grant = form.get("grant_type") ?? "";
      switch (grant) {
        case "authorization_code":
          return Response.json(await this.redeemCode(form, client, misbehaviour?.kind));
        case "refresh_token":
          return Response.json(await this.redeemRefreshToken(form, client, misbehaviour?.kind));
        case "client_credentials":
          return Response.json(await this.clientCredentials(authority, form, client));
        case "":
          throw new EntraFailure(aadsts.missingParameter("grant_type"));
        default:
          throw new EntraFailure(aadsts.unsupportedGrant(grant));
      }
    } catch (error) {
      if (error instanceof EntraFailure) {
        // Said where the developer looks: the app shows only a generic sign-in error.
        console.warn(
          `[entra-emulator] token request refused: AADSTS${error.failure.code} ${error.failure.description}`,
        );
        return Response.json(errorBody(error.failure), { status: error.failure.status });
      }
      throw error;
    }
  }

  /** client_secret_basic (RFC 6749 §2.3.1: form-encoded, then Base64) or client_secret_post. */
  private authenticateClient(form: URLSearchParams, authorization: string | null, tenant: string): App {
    let clientId = form.get("client_id") ?? "";
    let secret = form.get("client_secret") ?? "";
    if (authorization?.startsWith("Basic ")) {
      const [id = "", password = ""] = Buffer.from(authorization.slice(6), "base64").toString().split(":");
      clientId = decodeURIComponent(id.replace(/\+/g, " "));
      secret = decodeURIComponent(password.replace(/\+/g, " "));
    }
    if (!clientId) throw new EntraFailure(aadsts.missingParameter("client_id"));
    const app = this.app(clientId, tenant);
    if (!secret || !timingSafeEqualStrings(secret, app.secret))
      throw new EntraFailure(aadsts.invalidClientSecret(clientId));
    return app;
  }

  private async redeemCode(form: URLSearchParams, app: App, misbehaviour?: Misbehaviour) {
    const code = form.get("code");
    if (!code) throw new EntraFailure(aadsts.missingParameter("code"));
    const issued = this.codes.get(code);
    if (!issued || issued.expiresAt < Date.now() || issued.clientId !== app.clientId)
      throw new EntraFailure(aadsts.codeExpired());
    // Codes are single-use (RFC 6749 §4.1.2).
    if (issued.redeemed) throw new EntraFailure(aadsts.codeRedeemed());
    if (form.get("redirect_uri") !== issued.redirectUri) throw new EntraFailure(aadsts.redirectUriMismatch());
    const verifier = form.get("code_verifier") ?? "";
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    if (!verifier || challenge !== issued.codeChallenge) throw new EntraFailure(aadsts.codeVerifierMismatch());
    issued.redeemed = true;
    return this.userTokens(app, issued.account, issued.permissions, issued.authTime, issued.nonce, misbehaviour);
  }

  private async redeemRefreshToken(form: URLSearchParams, app: App, misbehaviour?: Misbehaviour) {
    const grant = this.refreshTokens.get(form.get("refresh_token") ?? "");
    if (!grant || grant.clientId !== app.clientId) throw new EntraFailure(aadsts.invalidRefreshToken());
    if (!this.account(grant.account.tenantId, grant.account.oid)) throw new EntraFailure(aadsts.invalidRefreshToken());
    // The consent behind the grant may be gone (service principal deleted).
    const granted = this.consents.granted(grant.account, app.clientId);
    if (!grant.permissions.every((permission) => granted.has(permission))) {
      throw new EntraFailure({ ...aadsts.consentRequired(app.clientId), error: "invalid_grant" });
    }
    return this.userTokens(app, grant.account, grant.permissions, grant.authTime, undefined, misbehaviour);
  }

  private async userTokens(
    app: App,
    account: Account,
    permissions: string[],
    authTime: number,
    nonce: string | undefined,
    misbehaviour: Misbehaviour | undefined,
  ) {
    const scp = permissions.filter((permission) => !oidcScopes.has(permission));
    const accessToken = () =>
      this.keys.sign(
        graphAccessTokenClaims({
          issuerBase: this.backUrl,
          clientId: app.clientId,
          tenantId: account.tenantId,
          account,
          scp,
        }),
      );
    const response: Record<string, unknown> = {
      token_type: "Bearer",
      scope: [
        ...permissions.filter((permission) => oidcScopes.has(permission)),
        ...scp.map((name) => `https://graph.microsoft.com/${name}`),
      ].join(" "),
      expires_in: TOKEN_LIFETIME_S,
      ext_expires_in: TOKEN_LIFETIME_S,
      access_token: await accessToken(),
    };
    if (permissions.includes("openid")) {
      response.id_token = await signIdToken(
        this.keys,
        idTokenClaims({
          issuerBase: this.backUrl,
          clientId: app.clientId,
          account,
          nonce,
          scopes: permissions,
          authTime,
        }),
        misbehaviour,
        accessToken,
      );
    }
    if (permissions.includes("offline_access")) {
      const refreshToken = randomBytes(48).toString("base64url");
      this.refreshTokens.set(refreshToken, { clientId: app.clientId, account, permissions, authTime });
      response.refresh_token = refreshToken;
    }
    return response;
  }

  private async clientCredentials(authority: Authority, form: URLSearchParams, app: App) {
    if (!authority.tenant) throw new EntraFailure(aadsts.clientCredentialsNeedTenant());
    const scope = form.get("scope") ?? "";
    if (!scope.endsWith("/.default")) throw new EntraFailure(aadsts.defaultScopeRequired(scope));
    const principal = this.consents.servicePrincipal(authority.tenant.id, app.clientId);
    // The app must be installed in the tenant: AADSTS700016 otherwise, as Entra answers.
    if (!principal) throw new EntraFailure(aadsts.applicationNotFound(app.clientId, authority.tenant.id));
    const roles = [...(principal.adminConsent?.application ?? [])];
    return {
      token_type: "Bearer",
      expires_in: TOKEN_LIFETIME_S,
      ext_expires_in: TOKEN_LIFETIME_S,
      access_token: await this.keys.sign(
        graphAccessTokenClaims({
          issuerBase: this.backUrl,
          clientId: app.clientId,
          tenantId: authority.tenant.id,
          roles,
        }),
      ),
    };
  }

  // ---- Microsoft Graph (back channel) --------------------------------------------------------

  private async graphToken(authorization: string | null): Promise<JWTPayload> {
    const token = authorization?.startsWith("Bearer ") ? authorization.slice(7) : undefined;
    const unauthorized = (message: string) =>
      new HttpError(401, JSON.stringify(graphError("InvalidAuthenticationToken", message)), "application/json");
    if (!token) throw unauthorized("Access token is empty.");
    try {
      const { kid } = decodeProtectedHeader(token);
      const jwk = this.keys.publicJwk(kid);
      if (!jwk) throw new Error("unknown key");
      const { payload } = await jwtVerify(token, await importJWK(jwk, "RS256"), {
        algorithms: ["RS256"],
        audience: [GRAPH_APP_ID, "https://graph.microsoft.com"],
      });
      const tid = String(payload.tid ?? "");
      if (!this.directory.tenants.has(tid) || payload.iss !== `${this.backUrl}/${tid}/v2.0`) throw new Error("tenant");
      return payload;
    } catch {
      throw unauthorized("Access token validation failure. Invalid audience, signature, issuer or tenant.");
    }
  }

  async graph(path: string, authorization: string | null): Promise<Response> {
    const claims = await this.graphToken(authorization);
    const forbidden = () =>
      Response.json(graphError("Authorization_RequestDenied", "Insufficient privileges to complete the operation."), {
        status: 403,
      });
    const scp = String(claims.scp ?? "").split(" ");
    const appRoles = (claims.roles as string[] | undefined) ?? [];
    const tenant = this.directory.tenants.get(String(claims.tid))!;
    if (path === "/v1.0/me") {
      if (claims.idtyp !== "user") {
        return Response.json(
          graphError("BadRequest", "/me request is only valid with delegated authentication flow."),
          { status: 400 },
        );
      }
      if (!scp.some((name) => ["User.Read", "User.Read.All", "User.ReadWrite", "Directory.Read.All"].includes(name)))
        return forbidden();
      const account = this.account(tenant.id, String(claims.oid));
      if (!account)
        return Response.json(graphError("Request_ResourceNotFound", "The user does not exist."), { status: 404 });
      return Response.json({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",
        id: account.oid,
        displayName: account.name,
        givenName: account.name.split(" ")[0],
        surname: account.name.split(" ").slice(1).join(" ") || null,
        userPrincipalName: account.username,
        mail: account.email ?? null,
      });
    }
    if (path === "/v1.0/organization") {
      const allowed =
        claims.idtyp === "app"
          ? appRoles.some((role) => ["Organization.Read.All", "Directory.Read.All"].includes(role))
          : scp.some((name) => ["User.Read", "Organization.Read.All", "Directory.Read.All"].includes(name));
      if (!allowed) return forbidden();
      return Response.json({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#organization",
        value: [
          {
            id: tenant.id,
            displayName: tenant.displayName,
            verifiedDomains: [
              ...tenant.domains.map((name, index) => ({
                name,
                isDefault: index === 0,
                isInitial: false,
                type: "Managed",
                capabilities: "Email",
              })),
              {
                name: tenant.initialDomain,
                isDefault: tenant.domains.length === 0,
                isInitial: true,
                type: "Managed",
                capabilities: "Email",
              },
            ],
          },
        ],
      });
    }
    return Response.json(graphError("Request_ResourceNotFound", `Resource not found for the segment '${path}'.`), {
      status: 404,
    });
  }

  async userinfo(authorization: string | null): Promise<Response> {
    const claims = await this.graphToken(authorization);
    const account = claims.idtyp === "user" ? this.account(String(claims.tid), String(claims.oid)) : undefined;
    if (!account)
      return Response.json(graphError("InvalidAuthenticationToken", "A user token is required."), { status: 401 });
    return Response.json({
      sub: claims.sub,
      name: account.name,
      given_name: account.name.split(" ")[0],
      family_name: account.name.split(" ").slice(1).join(" "),
      email: account.email,
    });
  }

  // ---- control API (tests) -------------------------------------------------------------------

  async control(method: string, path: string, body: Record<string, unknown>): Promise<Response> {
    const route = `${method} ${path}`;
    let match: RegExpMatchArray | null;
    if (route === "GET /_emulator/directory") {
      return Response.json({
        tenants: [...this.directory.tenants.values()],
        accounts: this.directory.accounts,
        apps: [...this.apps.values()].map((app) => ({ ...app, secret: undefined })),
        frontUrl: this.frontUrl,
        backUrl: this.backUrl,
      });
    }
    if (route === "GET /_emulator/stats") return Response.json(this.stats);
    if (route === "POST /_emulator/reset") {
      this.directory = seedDirectory();
      this.consents.reset();
      this.codes.clear();
      this.refreshTokens.clear();
      this.interactions.clear();
      this.misbehaviour = undefined;
      return Response.json({ ok: true });
    }
    if (route === "POST /_emulator/apps") {
      const app = appSchema(body);
      this.apps.set(app.clientId, app);
      return Response.json({ clientId: app.clientId });
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
      this.directory.tenants.set(tenant.id, tenant);
      return Response.json(tenant);
    }
    if (route === "POST /_emulator/users") {
      const tenantId = String(body.tenantId ?? "");
      if (!this.directory.tenants.has(tenantId)) return Response.json({ error: "unknown tenantId" }, { status: 400 });
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
      this.directory.accounts.push(account);
      return Response.json(account);
    }
    if ((match = route.match(/^POST \/_emulator\/tenants\/([^/]+)\/revoke$/))) {
      return Response.json({ revoked: this.consents.revoke(match[1]!, String(body.clientId ?? "")) });
    }
    if ((match = route.match(/^GET \/_emulator\/tenants\/([^/]+)\/service-principals\/([^/]+)$/))) {
      const principal = this.consents.servicePrincipal(match[1]!, match[2]!);
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
      return Response.json(await this.keys.rotate(Number(body.graceMs ?? this.keyGraceMs)));
    }
    if (route === "POST /_emulator/misbehave") {
      if (body.kind === "none") {
        this.misbehaviour = undefined; // a test clears what it asked for and did not use
        return Response.json({ ok: true });
      }
      const kind = String(body.kind) as Misbehaviour;
      if (!misbehaviours.includes(kind))
        return Response.json({ error: `kind must be one of ${misbehaviours.join(", ")}` }, { status: 400 });
      this.misbehaviour = { kind, delayMs: Number(body.delayMs ?? 30_000) };
      return Response.json({ ok: true });
    }
    return Response.json({ error: "unknown control route" }, { status: 404 });
  }
}

class EntraFailure extends Error {
  constructor(readonly failure: EntraError) {
    super(`AADSTS${failure.code}`);
  }
}

function graphError(code: string, message: string) {
  return { error: { code, message, innerError: { date: new Date().toISOString(), "request-id": randomUUID() } } };
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function timingSafeEqualStrings(a: string, b: string): boolean {
  const [x, y] = [createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest()];
  return x.equals(y);
}

function appSchema(body: Record<string, unknown>): App {
  const list = (value: unknown, fallback: string[]) => (Array.isArray(value) ? value.map(String) : fallback);
  const clientId = String(body.clientId ?? "");
  if (!GUID.test(clientId) || typeof body.secret !== "string" || !body.secret) {
    throw new HttpError(400, JSON.stringify({ error: "clientId (GUID) and secret are required" }), "application/json");
  }
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
  };
}

// ---- HTTP plumbing ---------------------------------------------------------------------------

async function readBody(request: http.IncomingMessage, limit = 1024 * 1024): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, "Request body too large", "text/plain");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString();
}

async function send(response: http.ServerResponse, result: Response | string): Promise<void> {
  if (typeof result === "string") {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    response.end(result);
    return;
  }
  const headers: Record<string, string | string[]> = { "cache-control": "no-store" };
  result.headers.forEach((value, name) => {
    headers[name] = value;
  });
  response.writeHead(result.status, headers);
  response.end(Buffer.from(await result.arrayBuffer()));
}

type Handler = (request: http.IncomingMessage, url: URL, signal: AbortSignal) => Promise<Response | string>;

function listener(handler: Handler): http.RequestListener {
  return (request, response) => {
    const url = new URL(request.url ?? "/", "http://emulator");
    const abort = new AbortController();
    response.on("close", () => abort.abort());
    handler(request, url, abort.signal)
      .catch((error: unknown) => {
        if (error instanceof EntraFailure)
          return new Response(pages.errorPage(error.failure.code, error.failure.description), {
            status: error.failure.status,
            headers: { "content-type": "text/html; charset=utf-8" },
          });
        if (error instanceof HttpError)
          return new Response(error.body, { status: error.status, headers: { "content-type": error.contentType } });
        console.error("[entra-emulator]", error);
        return new Response("Internal error", { status: 500, headers: { "content-type": "text/plain" } });
      })
      .then((result) => send(response, result))
      .catch(() => response.destroy());
  };
}

function frontHandler(emulator: Emulator): Handler {
  return async (request, url) => {
    const method = request.method ?? "GET";
    let match: RegExpMatchArray | null;
    if (method === "GET" && (match = url.pathname.match(/^\/([^/]+)\/oauth2\/v2\.0\/authorize$/))) {
      return emulator.authorize(match[1]!, url.searchParams, emulator.sessionAccount(request.headers.cookie));
    }
    if (method === "POST" && (match = url.pathname.match(/^\/_interaction\/([\w-]+)\/account$/))) {
      const { result, account } = emulator.chooseAccount(match[1]!, new URLSearchParams(await readBody(request)));
      const response =
        typeof result === "string"
          ? new Response(result, { headers: { "content-type": "text/html; charset=utf-8" } })
          : result;
      const headers = new Headers(response.headers);
      headers.append(
        "set-cookie",
        `${SESSION_COOKIE}=${encodeURIComponent(`${account.tenantId}:${account.oid}`)}; Path=/; HttpOnly; SameSite=Lax`,
      );
      return new Response(response.body, { status: response.status, headers });
    }
    if (method === "POST" && (match = url.pathname.match(/^\/_interaction\/([\w-]+)\/consent$/))) {
      return emulator.decide(match[1]!, new URLSearchParams(await readBody(request)));
    }
    if (method === "GET" && (match = url.pathname.match(/^\/([^/]+)\/v2\.0\/adminconsent$/))) {
      return emulator.adminConsent(match[1]!, url.searchParams);
    }
    if (method === "GET" && url.pathname.match(/^\/([^/]+)\/oauth2\/v2\.0\/logout$/)) {
      return emulator.logout(url.searchParams);
    }
    if (url.pathname === "/favicon.ico") return new Response(null, { status: 204 });
    if (method === "GET" && url.pathname === "/") {
      const rows = emulator.directory.accounts
        .map(
          (account) =>
            `<li>${pages.esc(account.name)} — ${pages.esc(account.username)}${isConsentAdmin(account) ? " (administrator)" : ""}</li>`,
        )
        .join("");
      return pages.page("Directory", `<h1>Demo directory</h1><ul>${rows}</ul>`);
    }
    throw new HttpError(404, pages.errorPage(90100, "This address is not an endpoint of the emulator."));
  };
}

function backHandler(emulator: Emulator): Handler {
  return async (request, url, signal) => {
    const method = request.method ?? "GET";
    const authorization = request.headers.authorization ?? null;
    let match: RegExpMatchArray | null;
    try {
      if (method === "GET" && (match = url.pathname.match(/^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/))) {
        return Response.json(emulator.discovery(match[1]!));
      }
      if (method === "GET" && url.pathname.match(/^\/([^/]+)\/discovery\/v2\.0\/keys$/)) {
        return Response.json(emulator.jwks());
      }
      if (method === "POST" && (match = url.pathname.match(/^\/([^/]+)\/oauth2\/v2\.0\/token$/))) {
        return emulator.token(match[1]!, new URLSearchParams(await readBody(request)), authorization, signal);
      }
    } catch (error) {
      if (error instanceof EntraFailure)
        return Response.json(errorBody(error.failure), { status: error.failure.status });
      throw error;
    }
    if (method === "GET" && url.pathname === "/oidc/userinfo") return emulator.userinfo(authorization);
    if (method === "GET" && url.pathname.startsWith("/v1.0/")) return emulator.graph(url.pathname, authorization);
    if (url.pathname.startsWith("/_emulator/")) {
      // A header a cross-site page cannot send without a CORS preflight, which is never granted.
      if (request.headers["x-emulator-control"] !== "1")
        return Response.json({ error: "x-emulator-control: 1 required" }, { status: 403 });
      const text = method === "POST" ? await readBody(request) : "";
      return emulator.control(method, url.pathname, text ? (JSON.parse(text) as Record<string, unknown>) : {});
    }
    return Response.json({ error: "not_found" }, { status: 404 });
  };
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const tls = await loadOrCreateTlsFiles(options.tlsDir);
  const keys = await SigningKeys.create();
  const front = http.createServer();
  const back = https.createServer({ cert: tls.cert, key: tls.key });
  const frontPort = await listen(front, options.frontPort ?? 0);
  let backPort: number;
  try {
    backPort = await listen(back, options.backPort ?? 0);
  } catch (error) {
    front.close();
    throw error;
  }
  const emulator = new Emulator(
    keys,
    `http://localhost:${frontPort}`,
    `https://127.0.0.1:${backPort}`,
    options.keyGraceMs ?? 10 * 60 * 1000,
    options.codeLifetimeMs ?? 10 * 60 * 1000,
  );
  front.on("request", listener(frontHandler(emulator)));
  back.on("request", listener(backHandler(emulator)));
  const close = (server: http.Server) =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    frontUrl: emulator.frontUrl,
    backUrl: emulator.backUrl,
    caPath: tls.caPath,
    ca: tls.ca,
    registerApp: (app) => emulator.apps.set(app.clientId, app),
    stop: async () => {
      await Promise.all([close(front), close(back)]);
    },
  };
}
