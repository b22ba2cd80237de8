// What the local marketplace's tests share: the publisher's fulfillment app registered in the
// emulator with its technical configuration, the app's own fulfillment client (lib/marketplace)
// on it, purchases made through the control API, and plain calls for what the client never sends.
import { randomBytes } from "node:crypto";
import { ConfidentialClientApplication } from "@azure/msal-node";
import { beforeAll } from "vitest";
import type { MarketplaceConfig } from "@/lib/marketplace/config";
import { createFulfillmentClient, type FulfillmentClientOptions } from "@/lib/marketplace/fulfillment";
import { MARKETPLACE_SCOPE, msalConfiguration, publisherTokenSource } from "@/lib/marketplace/publisher-token";
import { account, control, redeem, withTestEmulator } from "@/test/entra-emulator";
import { PUBLISHER_TENANT_ID } from "./directory";
import type { RunningEmulator } from "./server";

export const LANDING_PAGE = "http://localhost:3000/marketplace";
export const OFFER = "saas-starter";
export const OTHER_PUBLISHERS_OFFER = "tailspin-insights";

export const fulfillmentApp = {
  clientId: "6f1e2d3c-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
  secret: randomBytes(24).toString("base64url"),
};

/**
 * An emulator for the file, back to its seed before each test, with the fulfillment app (single-
 * tenant, in the publisher tenant) and the technical configuration registered, as npm run dev does.
 */
export function withMarketplace(use: (emulator: RunningEmulator) => void): void {
  let emulator: RunningEmulator;
  withTestEmulator((running) => {
    emulator = running;
    use(running);
  });
  beforeAll(async () => {
    await ok(
      control(emulator, "apps", {
        ...fulfillmentApp,
        displayName: "Fulfillment (tests)",
        tenantId: PUBLISHER_TENANT_ID,
        redirectUris: [],
      }),
    );
    await ok(
      control(emulator, "marketplace/technical-configuration", {
        publisherTenantId: PUBLISHER_TENANT_ID,
        fulfillmentClientId: fulfillmentApp.clientId,
        landingPageUrl: LANDING_PAGE,
        webhookUrl: "http://localhost:3000/api/marketplace/webhook",
      }),
    );
  });
}

export async function ok(response: Promise<Response>): Promise<unknown> {
  const answer = await response;
  const text = await answer.text();
  if (!answer.ok) throw new Error(`${answer.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

export const quiet = { info: () => {}, warn: () => {} };

/** The app's own fulfillment client, its token from the emulator through MSAL as in production. */
export function fulfillmentClient(
  emulator: RunningEmulator,
  app: { clientId: string; secret: string; tenantId?: string } = fulfillmentApp,
  options: Partial<FulfillmentClientOptions> = {},
) {
  const settings: MarketplaceConfig = {
    tenantId: app.tenantId ?? PUBLISHER_TENANT_ID,
    clientId: app.clientId,
    credential: { kind: "secret", secret: app.secret },
    apiUrl: emulator.marketplaceApiUrl,
  };
  const authority = `${emulator.backUrl}/${settings.tenantId}`;
  const getToken = publisherTokenSource(settings, {
    client: async () =>
      new ConfidentialClientApplication(
        msalConfiguration(settings, {
          authority,
          authorityMetadata: await (await fetch(`${authority}/v2.0/.well-known/openid-configuration`)).text(),
        }),
      ),
    log: { error: () => {} },
  });
  return createFulfillmentClient({
    baseUrl: settings.apiUrl,
    getToken,
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 5_000 },
    log: quiet,
    ...options,
  });
}

/** A bearer token by client credentials (plain form post), for the calls the client never makes. */
export async function appToken(
  emulator: RunningEmulator,
  options: { tenant?: string; scope?: string; app?: { clientId: string; secret: string } } = {},
): Promise<string> {
  const app = options.app ?? fulfillmentApp;
  const response = await redeem(
    emulator,
    {
      grant_type: "client_credentials",
      scope: options.scope ?? MARKETPLACE_SCOPE,
      client_id: app.clientId,
      client_secret: app.secret,
    },
    options.tenant ?? PUBLISHER_TENANT_ID,
  );
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** A call to the fulfillment API as given: no retries, no checks. */
export function api(
  emulator: RunningEmulator,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; apiVersion?: string | null } = {},
): Promise<Response> {
  const url = new URL(`${emulator.marketplaceApiUrl}${path}`);
  if (options.apiVersion !== null) url.searchParams.set("api-version", options.apiVersion ?? "2018-08-31");
  return fetch(url, {
    method,
    headers: {
      "content-type": "application/json",
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

export type Purchase = { subscriptionId: string; token: string; landingUrl: string | null };

/** A purchase through the control API, by `username` (Adele of Contoso by default). */
export async function buy(
  emulator: RunningEmulator,
  input: { username?: string; offerId?: string; planId?: string; quantity?: number; beneficiaryTenantId?: string } = {},
): Promise<Purchase> {
  const buyer = await account(emulator, input.username ?? "adele@contoso.com");
  return (await ok(
    control(emulator, "marketplace/purchases", {
      tenantId: buyer.tenantId,
      oid: buyer.oid,
      offerId: input.offerId ?? OFFER,
      planId: input.planId ?? "team-monthly",
      ...(input.quantity === undefined ? {} : { quantity: input.quantity }),
      ...(input.beneficiaryTenantId ? { beneficiaryTenantId: input.beneficiaryTenantId } : {}),
    }),
  )) as Purchase;
}
