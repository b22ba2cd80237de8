// The app's fulfillment and metering clients, from the configuration (lib/config.ts): null when
// the marketplace is off. Both share the fulfillment app's token source.
import { config } from "../config";
import { createFulfillmentClient, type FulfillmentClient } from "./fulfillment";
import { createMeteringClient, type MeteringClient } from "./metering-api";
import { publisherTokenSource } from "./publisher-token";

let cached: { key: string; client: FulfillmentClient } | undefined;
let cachedMetering: { key: string; client: MeteringClient } | undefined;

export function fulfillmentClient(): FulfillmentClient | null {
  const settings = config().marketplace;
  if (!settings) return null;
  const key = `${settings.tenantId}/${settings.clientId}/${settings.apiUrl}`;
  if (cached?.key !== key) {
    cached = {
      key,
      client: createFulfillmentClient({ baseUrl: settings.apiUrl, getToken: publisherTokenSource(settings) }),
    };
  }
  return cached.client;
}

export function meteringClient(): MeteringClient | null {
  const settings = config().marketplace;
  if (!settings) return null;
  const key = `${settings.tenantId}/${settings.clientId}/${settings.apiUrl}`;
  if (cachedMetering?.key !== key) {
    cachedMetering = {
      key,
      client: createMeteringClient({ baseUrl: settings.apiUrl, getToken: publisherTokenSource(settings) }),
    };
  }
  return cachedMetering.client;
}
