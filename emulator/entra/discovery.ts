// OpenID Connect discovery and the key set (OIDC Discovery 1.0 §4), in Entra's shapes.
import type { Emulator } from "./state";

/** The discovery document of an authority; the authorization pages live on the front channel. */
export function discovery(emulator: Emulator, segment: string): Record<string, unknown> {
  const authority = emulator.authority(segment);
  const front = `${emulator.frontUrl}/${authority.segment}`;
  const back = `${emulator.backUrl}/${authority.segment}`;
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
    issuer: `${emulator.backUrl}/${authority.tenant?.id ?? "{tenantid}"}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${emulator.backUrl}/oidc/userinfo`,
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

/**
 * The v1.0 discovery document (<tenant>/.well-known/openid-configuration): the v1 issuer, which
 * v1.0 access tokens carry (e.g. the marketplace's webhook calls to an app registered for v1
 * tokens), and the same key set; the endpoints are the v2.0 ones, the only ones emulated.
 */
export function discoveryV1(emulator: Emulator, segment: string): Record<string, unknown> {
  const authority = emulator.authority(segment);
  return {
    ...discovery(emulator, segment),
    issuer: `https://sts.windows.net/${authority.tenant?.id ?? "{tenantid}"}/`,
    jwks_uri: `${emulator.backUrl}/${authority.segment}/discovery/keys`,
  };
}

export function jwks(emulator: Emulator): { keys: unknown[] } {
  emulator.stats.jwksRequests++;
  return emulator.keys.jwks(`${emulator.backUrl}/{tenantid}/v2.0`);
}
