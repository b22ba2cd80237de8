import {
  compactVerify,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
  type ProtectedHeaderParameters,
} from "jose";
import { describe, expect, it } from "vitest";
import { control } from "@/test/entra-emulator";
import { PUBLISHER_TENANT_ID, seed } from "./directory";
import { buy, fulfillmentApp, ok, withMarketplace } from "./marketplace.test-support";
import {
  customerOperation,
  deliveries,
  publisher,
  settings,
  withWebhookReceiver,
} from "./marketplace-webhook.test-support";
import type { RunningEmulator } from "./server";

let emulator: RunningEmulator;
withMarketplace((running) => (emulator = running));
const receiver = withWebhookReceiver(() => emulator);

const MARKETPLACE = "20e940b3-4c77-4b0b-9a53-9e16a1b010a7";
const v2Issuer = () => `${emulator.backUrl}/${PUBLISHER_TENANT_ID}/v2.0`;
const v2Keys = () => createRemoteJWKSet(new URL(`${emulator.backUrl}/${PUBLISHER_TENANT_ID}/discovery/v2.0/keys`));

/** A customer's change, queued (manual delivery): its operation id. */
async function queuedChange(): Promise<string> {
  await settings(emulator, { webhookDelivery: "manual" });
  const { subscriptionId } = await buy(emulator);
  await publisher(emulator).activate(subscriptionId, { planId: "team-monthly" });
  return customerOperation(emulator, subscriptionId, "change", { planId: "per-user" });
}

/** One delivery now through the control API; the call the receiver got. */
async function deliver(operationId: string, options: { forge?: string; version?: string } = {}) {
  const before = receiver.received.length;
  const answer = (await ok(control(emulator, "marketplace/webhooks/deliver", { operationId, ...options }))) as {
    status: number;
    body: string;
  };
  expect(answer).toEqual({ status: 200, body: "ok" });
  return (await receiver.next(before + 1))[before]!;
}

/** The claims that differ between two tokens, leaving out those that differ between any two. */
function changedClaims(valid: JWTPayload, forged: JWTPayload): string[] {
  const volatile = ["uti", "aio", "iat", "nbf", "exp"];
  const names = new Set([...Object.keys(valid), ...Object.keys(forged)]);
  return [...names]
    .filter((name) => !volatile.includes(name) && JSON.stringify(valid[name]) !== JSON.stringify(forged[name]))
    .sort();
}

const signedByPublishedKey = async (token: string) =>
  compactVerify(token, v2Keys()).then(
    () => true,
    () => false,
  );

describe("the v1.0 discovery document", () => {
  it("names the v1 issuer of a tenant and the same key set", async () => {
    const document = (await (
      await fetch(`${emulator.backUrl}/${PUBLISHER_TENANT_ID}/.well-known/openid-configuration`)
    ).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    expect(document.issuer).toBe(`https://sts.windows.net/${PUBLISHER_TENANT_ID}/`);
    expect(document.jwks_uri).toBe(`${emulator.backUrl}/${PUBLISHER_TENANT_ID}/discovery/keys`);
    const v1 = await (await fetch(document.jwks_uri)).json();
    const v2 = await (await fetch(`${emulator.backUrl}/${PUBLISHER_TENANT_ID}/discovery/v2.0/keys`)).json();
    expect(v1).toEqual(v2);
    expect((await fetch(`${emulator.backUrl}/no-such-tenant.example/.well-known/openid-configuration`)).status).toBe(
      400,
    );
  });
});

describe("the token of a webhook call", () => {
  it("comes in the v1 shape on request, verifiable through the v1 discovery document", async () => {
    const operationId = await queuedChange();
    const call = await deliver(operationId, { version: "v1" });
    const document = (await (
      await fetch(`${emulator.backUrl}/${PUBLISHER_TENANT_ID}/.well-known/openid-configuration`)
    ).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    const { payload } = await jwtVerify(call.token!, createRemoteJWKSet(new URL(document.jwks_uri)), {
      issuer: document.issuer,
      audience: fulfillmentApp.clientId,
      algorithms: ["RS256"],
    });
    expect(payload).toMatchObject({ tid: PUBLISHER_TENANT_ID, appid: MARKETPLACE, ver: "1.0", idp: document.issuer });
    expect(payload.azp).toBeUndefined();
    expect((await deliveries(emulator)).at(-1)).toMatchObject({ operationId, version: "v1", status: 200 });
  });

  it("is forged as asked, each forgery changing one thing of a valid token, and changing nothing else", async () => {
    const operationId = await queuedChange();
    // A forged call, even answered 200, is not the marketplace's: the notification still waits.
    const early = await deliver(operationId, { forge: "wrong-audience" });
    expect(early.token).toBeDefined();
    expect(((await ok(control(emulator, "marketplace/webhooks"))) as { queued: unknown[] }).queued).toEqual([
      { operationId, action: "ChangePlan" },
    ]);
    const valid = await deliver(operationId);
    const validClaims = decodeJwt(valid.token!);
    const validHeader = decodeProtectedHeader(valid.token!);
    await jwtVerify(valid.token!, v2Keys(), { issuer: v2Issuer(), audience: fulfillmentApp.clientId });
    const now = Math.floor(Date.now() / 1000);

    type Check = (token: string, claims: JWTPayload, header: ProtectedHeaderParameters) => Promise<void>;
    const signatureOnly: Check = async (token, claims) => {
      expect(changedClaims(validClaims, claims)).toEqual([]);
      expect(await signedByPublishedKey(token)).toBe(false);
    };
    const claimsOnly =
      (names: string[]): Check =>
      async (token, claims) => {
        expect(changedClaims(validClaims, claims)).toEqual(names);
        expect(await signedByPublishedKey(token)).toBe(true);
      };
    const forgeries: Record<string, Check> = {
      "bad-signature": async (token, claims, header) => {
        await signatureOnly(token, claims, header);
        expect(header).toEqual(validHeader);
        await expect(jwtVerify(token, v2Keys())).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
      },
      "unpublished-key": async (token, claims, header) => {
        await signatureOnly(token, claims, header);
        expect(header.kid).toBe(validHeader.kid);
      },
      "alg-none": async (token, claims, header) => {
        await signatureOnly(token, claims, header);
        expect(header.alg).toBe("none");
      },
      hs256: async (token, claims, header) => {
        await signatureOnly(token, claims, header);
        expect(header).toMatchObject({ alg: "HS256", kid: validHeader.kid });
      },
      "embedded-jwk": async (token, claims, header) => {
        await signatureOnly(token, claims, header);
        expect(header.jwk).toMatchObject({ kty: "RSA" });
        expect(header.kid).not.toBe(validHeader.kid);
      },
      "wrong-tenant": async (token, claims, header) => {
        await claimsOnly(["iss", "tid"])(token, claims, header);
        expect(claims.tid).not.toBe(PUBLISHER_TENANT_ID);
        expect(Object.values(seed)).toContain(claims.tid);
        expect(claims.iss).toBe(`${emulator.backUrl}/${String(claims.tid)}/v2.0`);
      },
      "wrong-audience": async (token, claims, header) => {
        await claimsOnly(["aud"])(token, claims, header);
        expect(claims.aud).toBe(MARKETPLACE);
      },
      "wrong-caller": async (token, claims, header) => {
        await claimsOnly(["appid", "azp"])(token, claims, header);
        expect(claims.azp).toBe(claims.appid);
        expect(claims.azp).not.toBe(MARKETPLACE);
      },
      "wrong-issuer": async (token, claims, header) => {
        await claimsOnly(["iss"])(token, claims, header);
        await expect(jwtVerify(token, v2Keys(), { issuer: v2Issuer() })).rejects.toBeInstanceOf(
          errors.JWTClaimValidationFailed,
        );
      },
      expired: async (token, claims, header) => {
        await claimsOnly([])(token, claims, header);
        expect(claims.exp).toBeLessThanOrEqual(now - 590);
        expect(claims.exp).toBeGreaterThan(now - 900);
        await expect(jwtVerify(token, v2Keys(), { clockTolerance: 300 })).rejects.toBeInstanceOf(errors.JWTExpired);
      },
      "not-yet-valid": async (token, claims, header) => {
        await claimsOnly([])(token, claims, header);
        expect(claims.nbf).toBeGreaterThanOrEqual(now + 590);
        expect(claims.exp).toBe(validClaims.exp! + (claims.iat! - validClaims.iat!));
        await expect(jwtVerify(token, v2Keys(), { clockTolerance: 300 })).rejects.toBeInstanceOf(
          errors.JWTClaimValidationFailed,
        );
      },
    };
    for (const [forge, check] of Object.entries(forgeries)) {
      const call = await deliver(operationId, { forge });
      expect(call.body, forge).toEqual(valid.body);
      expect(call.token, forge).toBeDefined();
      await check(call.token!, decodeJwt(call.token!), decodeProtectedHeader(call.token!));
    }
    const none = await deliver(operationId, { forge: "none" });
    expect(none.headers.authorization).toBeUndefined();
    expect(none.body).toEqual(valid.body);

    const log = await deliveries(emulator);
    expect(log.map((delivery) => delivery.forged ?? null)).toEqual([
      "wrong-audience",
      null,
      ...Object.keys(forgeries),
      "none",
    ]);
    expect(log.map((delivery) => delivery.attempt)).toEqual(log.map((_, index) => index + 1));
  });

  it("refuses a delivery of an unknown operation, or a forgery it does not know", async () => {
    const operationId = await queuedChange();
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect((await control(emulator, "marketplace/webhooks/deliver", { operationId: unknown })).status).toBe(404);
    expect((await control(emulator, "marketplace/webhooks/deliver", { operationId, forge: "nope" })).status).toBe(400);
    expect((await control(emulator, "marketplace/webhooks/deliver", { operationId, version: "v3" })).status).toBe(400);
    expect(receiver.received).toEqual([]);
  });
});
