// The app's one fulfillment client, from the configuration (lib/config.ts): null when the
// marketplace is off.
import { config } from "../config";
import { createFulfillmentClient, type FulfillmentClient } from "./fulfillment";
import { publisherTokenSource } from "./publisher-token";

let cached: { key: string; client: FulfillmentClient } | undefined;

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
