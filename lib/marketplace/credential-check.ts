// The fulfillment credential, checked before a customer needs it ("Register a SaaS application":
// a fulfillment app whose secret expired bills nobody, silently). In production the server asks
// for a marketplace token once at start (lib/startup.ts); every fulfillment call records its own
// outcome too (./publisher-token.ts). /api/health reports the last outcome, so an uptime monitor
// or the operator sees a refused credential without waiting for a customer to fail.
import { config } from "../config";
import { fulfillmentCredentialStatus, publisherTokenSource, type FulfillmentCredentialStatus } from "./publisher-token";

/** What /api/health says of the fulfillment credential; absent when the marketplace is off. */
export type CredentialHealth = "ok" | "refused" | "unreachable" | "not-checked";

export function credentialHealth(status: FulfillmentCredentialStatus | undefined): CredentialHealth {
  if (!status) return "not-checked";
  if (status.ok) return "ok";
  return status.code === "unreachable" ? "unreachable" : "refused";
}

/**
 * Asks Entra ID for the fulfillment app's token now. Never throws: the outcome is recorded (and a
 * refusal logged loudly, naming the variable to fix) by the token source itself.
 */
export async function checkFulfillmentCredential(
  getToken: () => Promise<string> = defaultTokenSource(),
  log: Pick<Console, "info"> = console,
): Promise<FulfillmentCredentialStatus | undefined> {
  try {
    await getToken();
    log.info("[marketplace] fulfillment app credential accepted by Microsoft Entra ID");
  } catch {
    // Already logged by the token source, with what to fix.
  }
  return fulfillmentCredentialStatus();
}

function defaultTokenSource(): () => Promise<string> {
  const settings = config().marketplace;
  if (!settings) return async () => "";
  return publisherTokenSource(settings);
}

/** /api/health's marketplace field: undefined when the marketplace is off. */
export function marketplaceHealth(): CredentialHealth | undefined {
  return config().marketplace ? credentialHealth(fulfillmentCredentialStatus()) : undefined;
}
