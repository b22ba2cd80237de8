// The bearer token of the marketplace's webhook calls, as Microsoft Entra ID issues it to the
// marketplace service (app 20e940b3-…, the caller) for the publisher's fulfillment app (the
// audience) in the publisher's tenant: what "Implementing a webhook on the SaaS service" tells the
// ISV to validate (signature, tid, aud, and the caller in azp for v2 tokens or appid for v1).
// And the forgeries an attack test asks for, each changing exactly one thing of that token.
import { randomUUID } from "node:crypto";
import type { SigningKeys } from "../keys";
import {
  appAccessTokenClaimsV1,
  appAccessTokenClaimsV2,
  MARKETPLACE_RESOURCE_ID,
  signWithMisbehaviour,
  type SignatureMisbehaviour,
} from "../tokens";
import type { TechnicalConfiguration } from "./state";

export const TOKEN_VERSIONS = ["v1", "v2"] as const;
export type TokenVersion = (typeof TOKEN_VERSIONS)[number];

export const FORGERIES = [
  /** No Authorization header at all. */
  "none",
  "bad-signature",
  /** Signed with a key that was never published, under the kid of the published one. */
  "unpublished-key",
  "alg-none",
  /** HMAC keyed with the published RSA public key (algorithm confusion). */
  "hs256",
  /** Signed with an unpublished key that the header carries as `jwk`. */
  "embedded-jwk",
  /** tid and iss of another tenant of the directory. */
  "wrong-tenant",
  /** aud = the SaaS Fulfillment API's id: a token meant for the marketplace, replayed. */
  "wrong-audience",
  /** azp / appid of another application than the marketplace service. */
  "wrong-caller",
  "wrong-issuer",
  /** Expired 10 minutes ago: beyond the usual 5 minutes of clock skew. */
  "expired",
  /** Valid from 10 minutes from now. */
  "not-yet-valid",
] as const;
export type Forgery = (typeof FORGERIES)[number];

/** The forgeries of the signature are tokens.ts's misbehaviours, shared with the Entra face. */
const signatureMisbehaviour: Partial<Record<Forgery, SignatureMisbehaviour>> = {
  "bad-signature": "bad-signature",
  "alg-none": "alg-none",
  hs256: "hs256-public-key",
  "embedded-jwk": "jwk-header",
};

const TEN_MINUTES_S = 600;

export type WebhookTokenInput = {
  keys: SigningKeys;
  /** The emulator's back-channel URL, the host of its v2.0 issuers. */
  issuerBase: string;
  configuration: TechnicalConfiguration;
  version: TokenVersion;
  forge?: Forgery;
  /** A tenant other than the publisher's, for "wrong-tenant". */
  otherTenantId: string;
};

/** The token of one webhook call; undefined when the forgery is to send none. */
export async function webhookToken(input: WebhookTokenInput): Promise<string | undefined> {
  const { keys, issuerBase, configuration, version, forge } = input;
  if (forge === "none") return undefined;
  const issuer = (tenantId: string) =>
    version === "v1" ? `https://sts.windows.net/${tenantId}/` : `${issuerBase}/${tenantId}/v2.0`;
  const claimsOf = version === "v1" ? appAccessTokenClaimsV1 : appAccessTokenClaimsV2;
  const claims: Record<string, unknown> = claimsOf({
    issuerBase,
    clientId: MARKETPLACE_RESOURCE_ID,
    tenantId: configuration.publisherTenantId,
    resource: configuration.fulfillmentClientId,
  });
  const now = Math.floor(Date.now() / 1000);
  switch (forge) {
    case "wrong-tenant":
      claims.tid = input.otherTenantId;
      claims.iss = issuer(input.otherTenantId);
      if (version === "v1") claims.idp = claims.iss;
      break;
    case "wrong-audience":
      claims.aud = MARKETPLACE_RESOURCE_ID;
      break;
    case "wrong-caller": {
      const app = randomUUID();
      claims.appid = app;
      if (version === "v2") claims.azp = app;
      break;
    }
    case "wrong-issuer":
      claims.iss =
        version === "v1"
          ? `https://sts.invalid/${configuration.publisherTenantId}/`
          : `https://issuer.invalid/${configuration.publisherTenantId}/v2.0`;
      break;
    case "expired":
      claims.iat = now - 70 * 60;
      claims.nbf = now - 70 * 60;
      claims.exp = now - TEN_MINUTES_S;
      break;
    case "not-yet-valid":
      claims.nbf = now + TEN_MINUTES_S;
      break;
    case "unpublished-key": {
      const published = keys.activePublicJwk().kid;
      return keys.signWithUnpublishedKey(claims, { header: { kid: published, x5t: published } });
    }
  }
  return signWithMisbehaviour(keys, claims, forge ? signatureMisbehaviour[forge] : undefined);
}
