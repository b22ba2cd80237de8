// Errors in Microsoft Entra ID's shapes: AADSTS codes in the token endpoint's JSON body, and in
// `error_description` on redirects. See learn.microsoft.com, "Microsoft Entra authentication and
// authorization error codes".
import { randomUUID } from "node:crypto";

export type EntraError = { status: number; error: string; code: number; description: string };

/** Thrown by the protocol steps; each channel answers it in its own shape (page or JSON). */
export class EntraFailure extends Error {
  constructor(readonly failure: EntraError) {
    super(`AADSTS${failure.code}`);
  }
}

export const aadsts = {
  applicationNotFound: (clientId: string, tenant: string): EntraError => ({
    status: 400,
    error: "unauthorized_client",
    code: 700016,
    description: `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  }),
  invalidClientSecret: (clientId: string): EntraError => ({
    status: 401,
    error: "invalid_client",
    code: 7000215,
    description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
  }),
  codeExpired: (): EntraError => ({
    status: 400,
    error: "invalid_grant",
    code: 70008,
    description:
      "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
  }),
  codeRedeemed: (): EntraError => ({
    status: 400,
    error: "invalid_grant",
    code: 54005,
    description:
      "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
  }),
  codeVerifierMismatch: (): EntraError => ({
    status: 400,
    error: "invalid_grant",
    code: 501481,
    description: "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
  }),
  redirectUriMismatch: (): EntraError => ({
    status: 400,
    error: "invalid_grant",
    code: 500117,
    description:
      "The reply uri specified in the request does not match the reply uri used in the authorization request.",
  }),
  invalidRefreshToken: (): EntraError => ({
    status: 400,
    error: "invalid_grant",
    code: 9002313,
    description: "Invalid request. Request is malformed or invalid: the refresh token is not valid.",
  }),
  unsupportedGrant: (grant: string): EntraError => ({
    status: 400,
    error: "unsupported_grant_type",
    code: 70003,
    description: `The app requested an unsupported grant type '${grant}'.`,
  }),
  missingParameter: (name: string): EntraError => ({
    status: 400,
    error: "invalid_request",
    code: 900144,
    description: `The request body must contain the following parameter: '${name}'.`,
  }),
  clientCredentialsNeedTenant: (): EntraError => ({
    status: 400,
    error: "invalid_request",
    code: 90009,
    description:
      "The client credentials grant must be requested from a tenant's endpoint (/<tenant id>/oauth2/v2.0/token), not from /common, /organizations or /consumers.",
  }),
  defaultScopeRequired: (scope: string): EntraError => ({
    status: 400,
    error: "invalid_scope",
    code: 1002012,
    description: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  }),
  resourceNotFound: (resource: string, tenant: string): EntraError => ({
    status: 400,
    error: "invalid_resource",
    code: 500011,
    description: `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  }),
  notMultiTenant: (clientId: string, authority: string): EntraError => ({
    status: 400,
    error: "invalid_request",
    code: 50194,
    description: `Application '${clientId}' is not configured as a multi-tenant application. Usage of the /${authority} endpoint is not supported for such applications. Use a tenant-specific endpoint or configure the application to be multi-tenant.`,
  }),
  tenantNotFound: (tenant: string): EntraError => ({
    status: 400,
    error: "invalid_tenant",
    code: 90002,
    description: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
  }),
  redirectUriNotRegistered: (redirectUri: string, clientId: string): EntraError => ({
    status: 400,
    error: "invalid_request",
    code: 50011,
    description: `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`,
  }),
  pkceRequired: (): EntraError => ({
    status: 400,
    error: "invalid_request",
    code: 9002325,
    description: "Proof Key for Code Exchange (S256) is required for this application.",
  }),
  unsupportedResponseType: (): EntraError => ({
    status: 400,
    error: "unsupported_response_type",
    code: 700054,
    description: "The emulator supports the authorization code flow only (response_type=code).",
  }),
  userDeclined: (): EntraError => ({
    status: 400,
    error: "access_denied",
    code: 65004,
    description: "User declined to consent to access the app.",
  }),
  /**
   * Only an administrator can grant this: a non-admin at the admin consent page, and "Return to
   * the application without granting consent" on "Need admin approval".
   */
  adminConsentRequired: (): EntraError => ({
    status: 400,
    error: "access_denied",
    code: 90094,
    description: "The grant requires admin permission.",
  }),
  loginRequired: (): EntraError => ({
    status: 400,
    error: "login_required",
    code: 50058,
    description: "A silent sign-in request was sent but no user is signed in.",
  }),
  consentRequired: (clientId: string): EntraError => ({
    status: 400,
    error: "consent_required",
    code: 65001,
    description: `The user or administrator has not consented to use the application with ID '${clientId}'. Send an interactive authorization request for this user and resource.`,
  }),
  accountNotAllowed: (authority: string): EntraError => ({
    status: 400,
    error: "invalid_request",
    code: 50020,
    description: `This account cannot sign in through the '${authority}' endpoint.`,
  }),
};

/** The token endpoint's JSON error body. */
export function errorBody(failure: EntraError): Record<string, unknown> {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
  return {
    error: failure.error,
    error_description: `AADSTS${failure.code}: ${failure.description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [failure.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${failure.code}`,
  };
}

/** `error_description` as it appears on a redirect back to the app. */
export function redirectDescription(failure: EntraError): string {
  return `AADSTS${failure.code}: ${failure.description}`;
}
