// The Microsoft Entra app registration the app needs, as data: what `npm run entra:register`
// creates (scripts/register-entra-app.ts), what the README's portal steps describe, and what the
// local emulator registers. One source, so the scopes sign-in asks for, the permissions customers
// consent to, the redirect URIs Entra accepts and the legal pages the consent screen links to
// cannot drift apart.

/** Microsoft Graph's application id, the same in every tenant. */
export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/** Delegated permissions (Graph `Scope`s) the sign-in asks for, in the order of its `scope` parameter. */
export const DELEGATED_SCOPES = ["openid", "profile", "email", "offline_access", "User.Read"] as const;

/**
 * Application permissions (Graph app roles) of the app-only tokens (lib/entra/msal.ts): the
 * admin sign-up reads the organization's name and domains, GET /v1.0/organization (lib/entra/graph.ts).
 */
export const APPLICATION_PERMISSIONS = ["Organization.Read.All"] as const;

export type DelegatedScope = (typeof DELEGATED_SCOPES)[number];
export type ApplicationPermission = (typeof APPLICATION_PERMISSIONS)[number];

/** The `scope` of the sign-in request (lib/auth/auth.ts): "openid profile email offline_access User.Read". */
export const SIGN_IN_SCOPE = DELEGATED_SCOPES.join(" ");

/**
 * The permission ids Microsoft Graph publishes on its service principal (Microsoft Graph
 * permissions reference, https://learn.microsoft.com/graph/permissions-reference). A name has
 * one id as a delegated permission and another as an application one: Organization.Read.All
 * delegated is 4908d5b9-..., not this.
 */
const GRAPH_PERMISSION_IDS: Record<DelegatedScope | ApplicationPermission, string> = {
  openid: "37f7f235-527c-4136-accd-4a02d197296e",
  profile: "14dad69e-099b-42c9-810b-d002981feec1",
  email: "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0",
  offline_access: "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
  "User.Read": "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
  "Organization.Read.All": "498476ce-e0fe-48b0-b801-37ba7e2685c6",
};

/**
 * The app roles the app defines for its own publisher's staff: who may use the operator console.
 * Entra puts an assigned role's `value` in the `roles` claim of the person's ID token ("Add app
 * roles to your application and receive them in the token",
 * https://learn.microsoft.com/entra/identity-platform/howto-add-app-roles-in-apps). The ids are
 * fixed: an assignment names a role by its id, so a new id would be a new role nobody holds.
 */
export const OPERATOR_ROLE = { value: "Operator", id: "192a4b2f-58d3-4c60-b2b4-1a1e3cfa17e3" } as const;
export const OPERATOR_READ_ROLE = { value: "Operator.Read", id: "95e6c0e5-deeb-4157-8ea5-63aeb38a1cf8" } as const;
/** The values of the operator roles, as the `roles` claim carries them. */
export const OPERATOR_ROLES = [OPERATOR_ROLE.value, OPERATOR_READ_ROLE.value] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** Microsoft Graph's `appRole` resource type, as the application's `appRoles` lists them. */
export type AppRole = {
  id: string;
  value: string;
  displayName: string;
  description: string;
  allowedMemberTypes: ("User" | "Application")[];
  isEnabled: boolean;
};

/** Where Entra returns the sign-in: Auth.js's callback of the provider id `microsoft-entra-id`. */
export const SIGN_IN_CALLBACK_PATH = "/api/auth/callback/microsoft-entra-id";
/** Where Entra returns the admin consent of the organization sign-up (app/signup/callback). */
export const ADMIN_CONSENT_CALLBACK_PATH = "/signup/callback";
/** The app's privacy statement and terms of use (app/privacy, app/terms), linked from the consent screen. */
export const PRIVACY_STATEMENT_PATH = "/privacy";
export const TERMS_OF_SERVICE_PATH = "/terms";

/** The authority of every Entra sign-in, for work, school and personal accounts alike. */
export const MULTI_TENANT_ISSUER = "https://login.microsoftonline.com/common/v2.0";

export type SignInAudience = "AzureADMultipleOrgs" | "AzureADandPersonalMicrosoftAccount";

/** The body of Microsoft Graph's `POST /applications` (the `application` resource type). */
export type ApplicationManifest = {
  displayName: string;
  signInAudience: SignInAudience;
  web: {
    redirectUris: string[];
    implicitGrantSettings: { enableIdTokenIssuance: boolean; enableAccessTokenIssuance: boolean };
  };
  /** Microsoft Graph's `informationalUrl`: the links of the consent screen. */
  info: { privacyStatementUrl: string; termsOfServiceUrl: string };
  requiredResourceAccess: { resourceAppId: string; resourceAccess: { id: string; type: "Scope" | "Role" }[] }[];
  optionalClaims: { idToken: { name: string; essential: boolean }[] };
  groupMembershipClaims: "DirectoryRole";
  api: { requestedAccessTokenVersion: 2 };
  appRoles: AppRole[];
};

/** A base URL Entra would refuse as the origin of a redirect URI, or that Auth.js would misread. */
export class InvalidAppUrlError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "InvalidAppUrlError";
  }
}

/** Entra accepts http:// redirect URIs for these hosts only; IPv6 [::1] is not supported at all. */
const LOOPBACK_HOSTS = ["localhost", "127.0.0.1"];
/** Entra's limit on one redirect URI (Redirect URI restrictions, "Maximum URI length"). */
const MAX_REDIRECT_URI_LENGTH = 256;

/**
 * The app's public origin, such as `https://app.example.com`, from what a person typed: a trailing
 * slash is dropped, anything Entra or Auth.js would refuse throws InvalidAppUrlError. The rules are
 * Entra's "Redirect URI (reply URL) restrictions" (https://learn.microsoft.com/entra/identity-platform/reply-url).
 */
export function appBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new InvalidAppUrlError(
      `"${value}" is not a URL: expected the app's public URL, such as https://app.example.com`,
    );
  }
  // https only; http for local development on the loopback host ("Localhost exceptions").
  if (url.protocol === "http:" && !LOOPBACK_HOSTS.includes(url.hostname)) {
    throw new InvalidAppUrlError(
      `${url.origin} must use https: Microsoft Entra ID accepts http:// redirect URIs only for localhost and 127.0.0.1`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new InvalidAppUrlError(`"${value}" must be an https:// URL, such as https://app.example.com`);
  }
  // The redirect URIs are this origin plus the app's own paths: Auth.js would take a path for its
  // base path, and Entra refuses query strings on apps that sign in personal accounts.
  if (url.pathname !== "/" || url.search || url.hash || /[?#]/.test(value) || url.username || url.password) {
    throw new InvalidAppUrlError(
      `"${value}" must be the app's origin only (scheme, host and optional port), such as https://app.example.com: no path, query, fragment or user name`,
    );
  }
  // Wildcard redirect URIs are refused for multi-tenant and personal-account apps.
  if (url.hostname.includes("*")) throw new InvalidAppUrlError(`"${value}" must name one host, not a wildcard`);
  const origin = url.origin;
  if (`${origin}${SIGN_IN_CALLBACK_PATH}`.length > MAX_REDIRECT_URI_LENGTH) {
    throw new InvalidAppUrlError(`"${value}" is too long: Entra accepts redirect URIs of up to 256 characters`);
  }
  return origin;
}

/** The two redirect URIs of the Web platform: sign-in, then the admin sign-up's consent. */
export function redirectUris(baseUrl: string): [signIn: string, adminConsent: string] {
  const origin = baseUrl.replace(/\/+$/, "");
  return [`${origin}${SIGN_IN_CALLBACK_PATH}`, `${origin}${ADMIN_CONSENT_CALLBACK_PATH}`];
}

/**
 * The privacy statement and terms of use, as the application's `info` names them. A multi-tenant
 * app without both gets a warning on its consent screen ("Configure terms of service and privacy
 * statement for an app", https://learn.microsoft.com/entra/identity-platform/howto-add-terms-of-service-privacy-statement).
 */
export function legalUrls(baseUrl: string): ApplicationManifest["info"] {
  const origin = baseUrl.replace(/\/+$/, "");
  return {
    privacyStatementUrl: `${origin}${PRIVACY_STATEMENT_PATH}`,
    termsOfServiceUrl: `${origin}${TERMS_OF_SERVICE_PATH}`,
  };
}

/** Microsoft Graph's delegated scopes and app roles, as `requiredResourceAccess` names them. */
export function requiredResourceAccess(): ApplicationManifest["requiredResourceAccess"] {
  return [
    {
      resourceAppId: MICROSOFT_GRAPH_APP_ID,
      resourceAccess: [
        ...DELEGATED_SCOPES.map((name) => ({ id: GRAPH_PERMISSION_IDS[name], type: "Scope" as const })),
        ...APPLICATION_PERMISSIONS.map((name) => ({ id: GRAPH_PERMISSION_IDS[name], type: "Role" as const })),
      ],
    },
  ];
}

/**
 * The operator roles, assignable to users only (allowedMemberTypes ["User"]): people of the
 * publisher's tenant, assigned in its enterprise application, never another app's identity.
 */
export function appRoles(): AppRole[] {
  return [
    {
      id: OPERATOR_ROLE.id,
      value: OPERATOR_ROLE.value,
      displayName: "Operator",
      description:
        "Operators run every tenant from the operator console: approve, extend, activate, suspend, reinstate",
      allowedMemberTypes: ["User"],
      isEnabled: true,
    },
    {
      id: OPERATOR_READ_ROLE.id,
      value: OPERATOR_READ_ROLE.value,
      displayName: "Operator (read-only)",
      description: "Read-only access to the operator console",
      allowedMemberTypes: ["User"],
      isEnabled: true,
    },
  ];
}

/**
 * The app roles of an existing registration once the app's own are added: Graph refuses a PATCH
 * that drops an enabled role (appRole resource type, `isEnabled`: a role is disabled first, then
 * removed), and the roles someone added or disabled by hand are theirs to keep. So every existing
 * role stays as it is, and a role of `wanted` is added unless its id or its value is taken.
 * `origin`, which Graph answers with, is left out: it "must not be included in any POST or PATCH".
 */
export function mergeAppRoles(existing: (AppRole & { origin?: string })[], wanted: AppRole[] = appRoles()): AppRole[] {
  const kept = existing.map(({ id, value, displayName, description, allowedMemberTypes, isEnabled }) => ({
    id,
    value,
    displayName,
    description,
    allowedMemberTypes,
    isEnabled,
  }));
  const added = wanted.filter((role) => !kept.some((found) => found.id === role.id || found.value === role.value));
  return [...kept, ...added];
}

/**
 * The Microsoft Graph `application` this app needs: a confidential web app any organization can
 * sign in to (and personal Microsoft accounts, when `personalAccounts`). Throws InvalidAppUrlError
 * for a base URL Entra would refuse.
 */
export function appRegistrationManifest({
  baseUrl,
  displayName,
  personalAccounts,
}: {
  baseUrl: string;
  displayName: string;
  personalAccounts: boolean;
}): ApplicationManifest {
  const origin = appBaseUrl(baseUrl);
  return {
    displayName,
    signInAudience: personalAccounts ? "AzureADandPersonalMicrosoftAccount" : "AzureADMultipleOrgs",
    web: {
      redirectUris: redirectUris(origin),
      // The code flow with PKCE only: no token ever travels in a URL fragment (implicit grant off).
      implicitGrantSettings: { enableIdTokenIssuance: false, enableAccessTokenIssuance: false },
    },
    // The consent screen links to both pages, served by the app itself.
    info: legalUrls(origin),
    requiredResourceAccess: requiredResourceAccess(),
    // ID tokens carry `email` only when asked (Optional claims reference); the app shows it.
    optionalClaims: { idToken: [{ name: "email", essential: false }] },
    // `wids`, the directory roles the admin sign-up checks, is in tokens only with
    // groupMembershipClaims "DirectoryRole" or "All" (ID token claims reference, `wids`).
    groupMembershipClaims: "DirectoryRole",
    // Required to be 2 when signInAudience includes personal accounts (apiApplication resource
    // type, requestedAccessTokenVersion); the app uses the v2.0 endpoints only, so always 2.
    api: { requestedAccessTokenVersion: 2 },
    // Who may use the operator console: the `roles` claim of the ISV's own staff.
    appRoles: appRoles(),
  };
}

/**
 * The variables that point the app at a registration (lib/config.ts), in the order to paste them.
 * `common` is the authority of multi-organization and personal-account apps alike.
 */
export function appRegistrationEnvironment({
  baseUrl,
  appId,
  secret,
  personalAccounts,
}: {
  baseUrl: string;
  appId: string;
  secret: string;
  personalAccounts: boolean;
}): [name: string, value: string][] {
  return [
    ["AUTH_MICROSOFT_ENTRA_ID_ID", appId],
    ["AUTH_MICROSOFT_ENTRA_ID_SECRET", secret],
    ["AUTH_MICROSOFT_ENTRA_ID_ISSUER", MULTI_TENANT_ISSUER],
    ["AUTH_URL", appBaseUrl(baseUrl)],
    // Without it the app turns personal accounts away (/signin/personal-account) even when Entra lets them in.
    ...(personalAccounts ? [["ALLOW_PERSONAL_ACCOUNTS", "true"] as [string, string]] : []),
  ];
}
