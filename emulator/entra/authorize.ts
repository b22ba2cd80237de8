// The two requests that start a sign-in on the front channel: the authorization request
// (/<authority>/oauth2/v2.0/authorize, code flow with PKCE S256 only) and the admin consent
// request (/<authority>/v2.0/adminconsent).
import { randomBytes } from "node:crypto";
import { decideConsent, requestedPermissions, type App } from "../consent";
import type { Account } from "../directory";
import { aadsts, EntraFailure } from "../errors";
import { continueAs, picker } from "./interaction";
import { fail, issueCode } from "./redirect";
import type { Authority, Emulator, Interaction } from "./state";

const INTERACTION_LIFETIME_MS = 15 * 60 * 1000;

export function authorize(
  emulator: Emulator,
  segment: string,
  query: URLSearchParams,
  sessionAccount: Account | undefined,
): Response | string {
  const authority = emulator.authority(segment);
  const { app, redirectUri } = registeredClient(emulator, authority, query);
  const clientId = app.clientId;

  const interaction = newInteraction("authorize", authority, app, redirectUri, query, {
    nonce: query.get("nonce") ?? undefined,
    codeChallenge: query.get("code_challenge") ?? undefined,
    responseMode: query.get("response_mode") === "form_post" ? "form_post" : "query",
    permissions: requestedPermissions(query.get("scope") ?? "openid", app),
    prompt: query.get("prompt") ?? undefined,
  });
  if (query.get("response_type") !== "code") return fail(emulator, interaction, aadsts.unsupportedResponseType());
  if (!interaction.codeChallenge || query.get("code_challenge_method") !== "S256") {
    return fail(emulator, interaction, aadsts.pkceRequired());
  }
  emulator.interactions.set(interaction.id, interaction);

  const candidates = emulator.accountsFor(authority);
  const session = sessionAccount && candidates.includes(sessionAccount) ? sessionAccount : undefined;
  const hinted = interaction.loginHint
    ? candidates.find((account) => account.username.toLowerCase() === interaction.loginHint)
    : undefined;

  if (interaction.prompt === "none") {
    const account = hinted ?? session;
    if (!account) return fail(emulator, interaction, aadsts.loginRequired());
    const decision = decideConsent(emulator.directory, emulator.consents, account, app, interaction.permissions, false);
    if (decision.kind !== "granted") return fail(emulator, interaction, aadsts.consentRequired(clientId));
    return issueCode(emulator, interaction, account);
  }
  const reuseSession =
    session &&
    interaction.prompt !== "login" &&
    interaction.prompt !== "select_account" &&
    (!hinted || hinted === session);
  if (reuseSession) return continueAs(emulator, interaction, session);
  return picker(emulator, interaction);
}

export function adminConsent(emulator: Emulator, segment: string, query: URLSearchParams): Response | string {
  const authority = emulator.authority(segment);
  const { app, redirectUri } = registeredClient(emulator, authority, query);
  if (authority.multiplexer === "consumers" || authority.multiplexer === "common") {
    // Admin consent is for organizations: /organizations or the tenant's own authority.
    throw new EntraFailure(aadsts.accountNotAllowed(authority.segment));
  }
  const interaction = newInteraction("adminconsent", authority, app, redirectUri, query, {
    permissions: requestedPermissions(query.get("scope") ?? "https://graph.microsoft.com/.default", app),
  });
  emulator.interactions.set(interaction.id, interaction);
  return picker(emulator, interaction);
}

/**
 * The app a browser request names, and its redirect URI, which must be registered exactly. An
 * unknown app or redirect URI gets an error page, never a redirect (no open redirector).
 */
function registeredClient(
  emulator: Emulator,
  authority: Authority,
  query: URLSearchParams,
): { app: App; redirectUri: string } {
  const clientId = query.get("client_id") ?? "";
  const app = emulator.app(clientId, authority.segment);
  const redirectUri = query.get("redirect_uri") ?? "";
  if (!app.redirectUris.includes(redirectUri)) {
    throw new EntraFailure(aadsts.redirectUriNotRegistered(redirectUri, clientId));
  }
  return { app, redirectUri };
}

function newInteraction(
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
