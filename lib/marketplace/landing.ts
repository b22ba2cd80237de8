// What the landing page shows for a purchase token and the person signed in: one decision, so the
// page and its Activate action cannot disagree ("Build the landing page for your transactable
// SaaS offer": sign in, resolve, show, confirm the contact, activate). Every failure is a case
// with its own page, never a 500 and never an activation.
import { randomUUID } from "node:crypto";
import { config } from "../config";
import type { Database } from "../db/client";
import type { SignedInPerson } from "../tenants/gate";
import { activationRight, purchaseOf, type Purchase } from "./activation";
import { fulfillmentClient } from "./client";
import {
  MarketplaceAuthError,
  MarketplaceBadRequest,
  MarketplaceError,
  MarketplaceForbidden,
  MarketplaceNotFound,
} from "./errors";

export type StoredSubscription = {
  id: string;
  tenantId: string;
  planId: string;
  quantity: number | null;
  status: string;
};

export type LandingView =
  | { kind: "off" }
  | { kind: "no-token" }
  | { kind: "sign-in" }
  /** Microsoft's 400: missing, garbage, expired or used up. */
  | { kind: "invalid-token" }
  /** Microsoft's 403: the purchase is of an offer this app's publisher does not own. */
  | { kind: "other-publisher" }
  | { kind: "unavailable"; reference: string }
  | { kind: "unsubscribed"; purchase: Purchase }
  | { kind: "active"; purchase: Purchase; subscription: StoredSubscription; inWorkspace: boolean }
  | { kind: "not-allowed"; purchase: Purchase }
  | { kind: "ready"; purchase: Purchase; as: "purchaser" | "beneficiary-admin" };

/** The token as the page got it (URL-decoded once by the URL parser), or nothing usable. */
export function purchaseToken(value: string | string[] | undefined): string | undefined {
  const token = Array.isArray(value) ? value[0] : value;
  return token && token.trim() ? token.trim() : undefined;
}

export async function landingView(
  prisma: Database,
  token: string | undefined,
  person: SignedInPerson | null,
): Promise<LandingView> {
  const client = fulfillmentClient();
  if (!client) return { kind: "off" };
  if (!token) return { kind: "no-token" };
  if (!person) return { kind: "sign-in" };

  let purchase: Purchase;
  try {
    purchase = purchaseOf(await client.resolve(token));
  } catch (error) {
    if (error instanceof MarketplaceBadRequest || error instanceof MarketplaceNotFound)
      return { kind: "invalid-token" };
    if (error instanceof MarketplaceForbidden) return { kind: "other-publisher" };
    if (error instanceof MarketplaceError) {
      // Down, slow after the retries, throttled, or our own credential refused (logged loudly by
      // ./publisher-token.ts): the person gets a reference, the log gets the details.
      const reference = randomUUID();
      const what = error instanceof MarketplaceAuthError ? "fulfillment app credential" : error.kind;
      console.error(`[marketplace] landing page: resolve failed (${what}) reference=${reference}: ${error.message}`);
      return { kind: "unavailable", reference };
    }
    throw error;
  }

  const stored = await prisma.subscription.findUnique({
    where: { id: purchase.subscriptionId },
    select: { id: true, tenantId: true, planId: true, quantity: true, status: true },
  });
  if (stored) {
    // Coming back ("Manage account"): the subscription, never a second activation.
    return { kind: "active", purchase, subscription: stored, inWorkspace: stored.tenantId === person.tenantId };
  }
  if (purchase.status === "Unsubscribed") return { kind: "unsubscribed", purchase };
  const right = await activationRight(prisma, purchase, person, {
    beneficiaryAdminsMayActivate: config().marketplaceBeneficiaryAdminsMayActivate,
  });
  return right.may ? { kind: "ready", purchase, as: right.as } : { kind: "not-allowed", purchase };
}
