// The token endpoint (/<authority>/oauth2/v2.0/token): the authorization code, refresh token
// and client credentials grants, with Entra's AADSTS errors, bent by a misbehaviour when a test
// asked for one.
import { createHash, randomBytes } from "node:crypto";
import { oidcScopes, type App } from "../consent";
import type { Account } from "../directory";
import { aadsts, EntraFailure, errorBody } from "../errors";
import {
  appAccessTokenClaimsV2,
  GRAPH_APP_ID,
  graphAccessTokenClaims,
  idTokenClaims,
  MARKETPLACE_RESOURCE_ID,
  signIdToken,
  TOKEN_LIFETIME_S,
  type Misbehaviour,
} from "../tokens";
import type { Authority, Emulator } from "./state";

export async function token(
  emulator: Emulator,
  segment: string,
  form: URLSearchParams,
  authorization: string | null,
  signal: AbortSignal,
): Promise<Response> {
  emulator.stats.tokenRequests++;
  // A misbehaviour bends the next answer to a person's sign-in (a code or a refresh token), never
  // an app's own request (client credentials: the marketplace's credential check at a server's
  // start, its jobs), which would take it from the sign-in the test attacks.
  const forPerson = ["authorization_code", "refresh_token"].includes(form.get("grant_type") ?? "");
  const misbehaviour = forPerson ? emulator.misbehaviour : undefined;
  if (forPerson) emulator.misbehaviour = undefined;
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
    const authority = emulator.authority(segment);
    const client = authenticateClient(emulator, form, authorization, authority.segment);
    const grant = form.get("grant_type") ?? "";
    switch (grant) {
      case "authorization_code":
        return Response.json(await redeemCode(emulator, form, client, misbehaviour?.kind));
      case "refresh_token":
        return Response.json(await redeemRefreshToken(emulator, form, client, misbehaviour?.kind));
      case "client_credentials":
        return Response.json(await clientCredentials(emulator, authority, form, client));
      case "":
        throw new EntraFailure(aadsts.missingParameter("grant_type"));
      default:
        throw new EntraFailure(aadsts.unsupportedGrant(grant));
    }
  } catch (error) {
    if (error instanceof EntraFailure) {
      // Said where the developer looks: the app shows only a generic sign-in error.
      console.warn(`[entra-emulator] token request refused: AADSTS${error.failure.code} ${error.failure.description}`);
      return Response.json(errorBody(error.failure), { status: error.failure.status });
    }
    throw error;
  }
}

/** client_secret_basic (RFC 6749 §2.3.1: form-encoded, then Base64) or client_secret_post. */
function authenticateClient(
  emulator: Emulator,
  form: URLSearchParams,
  authorization: string | null,
  tenant: string,
): App {
  let clientId = form.get("client_id") ?? "";
  let secret = form.get("client_secret") ?? "";
  if (authorization?.startsWith("Basic ")) {
    const [id = "", password = ""] = Buffer.from(authorization.slice(6), "base64").toString().split(":");
    clientId = decodeURIComponent(id.replace(/\+/g, " "));
    secret = decodeURIComponent(password.replace(/\+/g, " "));
  }
  if (!clientId) throw new EntraFailure(aadsts.missingParameter("client_id"));
  const app = emulator.app(clientId, tenant);
  if (!secret || !timingSafeEqualStrings(secret, app.secret))
    throw new EntraFailure(aadsts.invalidClientSecret(clientId));
  return app;
}

async function redeemCode(emulator: Emulator, form: URLSearchParams, app: App, misbehaviour?: Misbehaviour) {
  const code = form.get("code");
  if (!code) throw new EntraFailure(aadsts.missingParameter("code"));
  const issued = emulator.codes.get(code);
  if (!issued || issued.expiresAt < Date.now() || issued.clientId !== app.clientId)
    throw new EntraFailure(aadsts.codeExpired());
  // Codes are single-use (RFC 6749 §4.1.2).
  if (issued.redeemed) throw new EntraFailure(aadsts.codeRedeemed());
  if (form.get("redirect_uri") !== issued.redirectUri) throw new EntraFailure(aadsts.redirectUriMismatch());
  const verifier = form.get("code_verifier") ?? "";
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  if (!verifier || challenge !== issued.codeChallenge) throw new EntraFailure(aadsts.codeVerifierMismatch());
  issued.redeemed = true;
  return userTokens(emulator, app, issued.account, issued.permissions, issued.authTime, issued.nonce, misbehaviour);
}

async function redeemRefreshToken(emulator: Emulator, form: URLSearchParams, app: App, misbehaviour?: Misbehaviour) {
  const grant = emulator.refreshTokens.get(form.get("refresh_token") ?? "");
  if (!grant || grant.clientId !== app.clientId) throw new EntraFailure(aadsts.invalidRefreshToken());
  if (!emulator.account(grant.account.tenantId, grant.account.oid))
    throw new EntraFailure(aadsts.invalidRefreshToken());
  // The consent behind the grant may be gone (service principal deleted).
  const granted = emulator.consents.granted(grant.account, app.clientId);
  if (!grant.permissions.every((permission) => granted.has(permission))) {
    throw new EntraFailure({ ...aadsts.consentRequired(app.clientId), error: "invalid_grant" });
  }
  return userTokens(emulator, app, grant.account, grant.permissions, grant.authTime, undefined, misbehaviour);
}

async function userTokens(
  emulator: Emulator,
  app: App,
  account: Account,
  permissions: string[],
  authTime: number,
  nonce: string | undefined,
  misbehaviour: Misbehaviour | undefined,
) {
  const scp = permissions.filter((permission) => !oidcScopes.has(permission));
  const accessToken = () =>
    emulator.keys.sign(
      graphAccessTokenClaims({
        issuerBase: emulator.backUrl,
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
      emulator.keys,
      idTokenClaims({
        issuerBase: emulator.backUrl,
        clientId: app.clientId,
        account,
        nonce,
        scopes: permissions,
        authTime,
        // Read at every issue: a refreshed token shows an assignment made or removed since.
        roles: emulator.roleAssignments.rolesClaim(app.clientId, app.appRoles ?? [], account),
      }),
      misbehaviour,
      accessToken,
    );
  }
  if (permissions.includes("offline_access")) {
    const refreshToken = randomBytes(48).toString("base64url");
    emulator.refreshTokens.set(refreshToken, { clientId: app.clientId, account, permissions, authTime });
    response.refresh_token = refreshToken;
  }
  return response;
}

/** Resources a client credentials token can be for, by the names their `.default` scope uses. */
const GRAPH_RESOURCES = new Set(["https://graph.microsoft.com", GRAPH_APP_ID]);

/**
 * Client credentials (an app-only token): the resource is the `<resource>/.default` scope's;
 * Microsoft Graph gets its v1.0-shaped token, the SaaS Fulfillment API (the marketplace) a
 * v2.0-shaped one. Another resource is unknown here (AADSTS500011).
 */
async function clientCredentials(emulator: Emulator, authority: Authority, form: URLSearchParams, app: App) {
  const counts = emulator.stats.clientCredentialRequests;
  counts[app.clientId] = (counts[app.clientId] ?? 0) + 1;
  if (!authority.tenant) throw new EntraFailure(aadsts.clientCredentialsNeedTenant());
  const tenantId = authority.tenant.id;
  const scope = form.get("scope") ?? "";
  if (!scope.endsWith("/.default")) throw new EntraFailure(aadsts.defaultScopeRequired(scope));
  const resource = scope.slice(0, -"/.default".length).replace(/\/$/, "");
  // The app must be installed in the tenant: AADSTS700016 otherwise, as Entra answers.
  if (!emulator.installed(app, tenantId)) throw new EntraFailure(aadsts.applicationNotFound(app.clientId, tenantId));
  const roles = [...(emulator.consents.servicePrincipal(tenantId, app.clientId)?.adminConsent?.application ?? [])];
  let claims: Record<string, unknown>;
  if (GRAPH_RESOURCES.has(resource)) {
    claims = graphAccessTokenClaims({ issuerBase: emulator.backUrl, clientId: app.clientId, tenantId, roles });
  } else if (resource === MARKETPLACE_RESOURCE_ID) {
    claims = appAccessTokenClaimsV2({ issuerBase: emulator.backUrl, clientId: app.clientId, tenantId, resource });
  } else {
    throw new EntraFailure(aadsts.resourceNotFound(resource, tenantId));
  }
  return {
    token_type: "Bearer",
    expires_in: TOKEN_LIFETIME_S,
    ext_expires_in: TOKEN_LIFETIME_S,
    access_token: await emulator.keys.sign(claims),
  };
}

function timingSafeEqualStrings(a: string, b: string): boolean {
  const [x, y] = [createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest()];
  return x.equals(y);
}
