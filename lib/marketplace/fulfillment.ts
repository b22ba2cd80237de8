// The SaaS Fulfillment API v2 client: one method per call Microsoft documents for a transactable
// SaaS offer ("SaaS fulfillment Subscription APIs v2", "SaaS fulfillment Operations APIs v2"),
// answers checked against ./schemas, failures as the classes of ./errors. How each request is
// sent (headers, ids, deadline, retries, log line) is ./transport.ts; the paged list, ./paging.ts.
import { MarketplaceBadRequest } from "./errors";
import { DEFAULT_MAX_PAGES, listSubscriptions } from "./paging";
import {
  availablePlansSchema,
  operationListSchema,
  operationSchema,
  resolvedSubscriptionSchema,
  subscriptionSchema,
  type AvailablePlans,
  type Operation,
  type ResolvedSubscription,
  type Subscription,
} from "./schemas";
import { correlationOf, createTransport, type Answer, type CallOptions, type TransportOptions } from "./transport";
import { GUID } from "../guid";

// What callers import from here, wherever it now lives.
export { API_VERSION, retryAfterMs, type CallOptions, type MarketplaceLogger, type RetryOptions } from "./transport";

export type FulfillmentClientOptions = TransportOptions & {
  /** listSubscriptions stops with an error past this many pages (default 100: 10,000 subscriptions). */
  maxPages?: number;
};

/** The 202 of change plan, change quantity and delete: where to follow the operation. */
export type OperationAccepted = {
  /** From Operation-Location (…/operations/<operationId>); null if Microsoft sent none. */
  operationId: string | null;
  operationLocation: string | null;
  requestId: string;
  correlationId: string;
};

/** Header-safe: visible ASCII and spaces, nothing that could end a header line. */
const HEADER_SAFE = /^[\x20-\x7e]+$/;
/** A purchase token is a few KB at most; anything larger is not one. */
const MAX_MARKETPLACE_TOKEN_LENGTH = 16_384;

function requireGuid(operation: string, what: string, value: string, correlationId: string | null = null): string {
  // Ids go into the URL path: only GUIDs, as Microsoft issues them, so none can redirect the call.
  if (typeof value !== "string" || !GUID.test(value)) {
    throw new MarketplaceBadRequest(
      { operation, status: null, requestId: null, correlationId },
      `the ${what} is not a GUID`,
    );
  }
  return value.toLowerCase();
}

/** The operation id at the end of an Operation-Location URL (…/operations/<id>?api-version=…). */
function operationIdOf(location: string | null): string | null {
  const match = location?.match(/\/operations\/([^/?#\s]+)/);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

function accepted(answer: Answer): OperationAccepted {
  const operationLocation = answer.headers.get("operation-location");
  return {
    operationId: operationIdOf(operationLocation),
    operationLocation,
    requestId: answer.requestId,
    correlationId: answer.correlationId,
  };
}

export type FulfillmentClient = ReturnType<typeof createFulfillmentClient>;

export function createFulfillmentClient(options: FulfillmentClientOptions) {
  const transport = createTransport(options);
  const { send, parse } = transport;
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;

  async function getSubscription(subscriptionId: string, callOptions?: CallOptions): Promise<Subscription> {
    const correlationId = correlationOf("getSubscription", callOptions);
    const id = requireGuid("getSubscription", "subscription id", subscriptionId, correlationId);
    const answer = await send({
      operation: "getSubscription",
      method: "GET",
      path: `/saas/subscriptions/${id}`,
      retry: "idempotent",
      correlationId,
    });
    return parse(subscriptionSchema, answer, "getSubscription");
  }

  return {
    /**
     * Resolve: the purchase identification token of the landing page (already URL-decoded, as the
     * docs require) to the subscription. Read-only on Microsoft's side (the same token resolves
     * again while valid), so retried like a GET. The token is sent in `x-ms-marketplace-token`
     * and appears in no log line and no error.
     */
    async resolve(marketplaceToken: string, callOptions?: CallOptions): Promise<ResolvedSubscription> {
      const correlationId = correlationOf("resolve", callOptions);
      const token = typeof marketplaceToken === "string" ? marketplaceToken.trim() : "";
      const refuse = (reason: string) =>
        new MarketplaceBadRequest({ operation: "resolve", status: null, requestId: null, correlationId }, reason);
      if (!token) throw refuse("no purchase token");
      if (token.length > MAX_MARKETPLACE_TOKEN_LENGTH || !HEADER_SAFE.test(token)) {
        throw refuse("the purchase token is not one the marketplace issues");
      }
      const answer = await send({
        operation: "resolve",
        method: "POST",
        path: "/saas/subscriptions/resolve",
        headers: { "x-ms-marketplace-token": token },
        retry: "idempotent",
        correlationId,
        secrets: [token, marketplaceToken],
      });
      return parse(resolvedSubscriptionSchema, answer, "resolve");
    },

    /**
     * Activate: billing starts. Retried on 429, 5xx and timeouts, as a GET is. The docs answer
     * 400 to activating a subscription that is already Subscribed, which is what a retry after a
     * lost answer would meet (and a customer who opens the landing page twice): on 400 the
     * subscription is read, and Subscribed with this plan (and quantity) is success. So activate
     * is idempotent for the same plan and quantity, whatever Microsoft answers the second time.
     */
    async activate(
      subscriptionId: string,
      purchase: { planId: string; quantity?: number },
      callOptions?: CallOptions,
    ): Promise<void> {
      const correlationId = correlationOf("activate", callOptions);
      const id = requireGuid("activate", "subscription id", subscriptionId, correlationId);
      const refuse = (reason: string) =>
        new MarketplaceBadRequest({ operation: "activate", status: null, requestId: null, correlationId }, reason);
      if (typeof purchase.planId !== "string" || !purchase.planId.trim()) throw refuse("no plan id");
      if (purchase.quantity !== undefined && (!Number.isInteger(purchase.quantity) || purchase.quantity < 1)) {
        throw refuse("the quantity is not a whole number of seats");
      }
      const body =
        purchase.quantity === undefined
          ? { planId: purchase.planId }
          : { planId: purchase.planId, quantity: purchase.quantity };
      try {
        await send({
          operation: "activate",
          method: "POST",
          path: `/saas/subscriptions/${id}/activate`,
          body,
          retry: "idempotent",
          correlationId,
        });
      } catch (error) {
        if (!(error instanceof MarketplaceBadRequest)) throw error;
        const current = await getSubscription(id, { correlationId });
        const done =
          current.saasSubscriptionStatus === "Subscribed" &&
          current.planId === purchase.planId &&
          (purchase.quantity === undefined || current.quantity === purchase.quantity);
        if (!done) throw error;
      }
    },

    getSubscription,

    /** Every subscription of the publisher, page by page (./paging.ts); at most `maxPages` pages. */
    listSubscriptions: (callOptions?: CallOptions): AsyncGenerator<Subscription, void, undefined> =>
      listSubscriptions(transport, maxPages, callOptions),

    /** The plans this subscription may change to, the current one included. */
    async listAvailablePlans(subscriptionId: string, callOptions?: CallOptions): Promise<AvailablePlans> {
      const correlationId = correlationOf("listAvailablePlans", callOptions);
      const id = requireGuid("listAvailablePlans", "subscription id", subscriptionId, correlationId);
      const answer = await send({
        operation: "listAvailablePlans",
        method: "GET",
        path: `/saas/subscriptions/${id}/listAvailablePlans`,
        retry: "idempotent",
        correlationId,
      });
      return parse(availablePlansSchema, answer, "listAvailablePlans", {});
    },

    /** Change plan (only after the customer approved it; never with a quantity): 202 and an operation to follow. */
    async changePlan(subscriptionId: string, planId: string, callOptions?: CallOptions): Promise<OperationAccepted> {
      const correlationId = correlationOf("changePlan", callOptions);
      const id = requireGuid("changePlan", "subscription id", subscriptionId, correlationId);
      if (typeof planId !== "string" || !planId.trim()) {
        throw new MarketplaceBadRequest(
          { operation: "changePlan", status: null, requestId: null, correlationId },
          "no plan id",
        );
      }
      const answer = await send({
        operation: "changePlan",
        method: "PATCH",
        path: `/saas/subscriptions/${id}`,
        body: { planId },
        retry: "once",
        correlationId,
      });
      return accepted(answer);
    },

    /** Change the number of seats (within the plan's limits; never with a plan): 202 and an operation to follow. */
    async changeQuantity(
      subscriptionId: string,
      quantity: number,
      callOptions?: CallOptions,
    ): Promise<OperationAccepted> {
      const correlationId = correlationOf("changeQuantity", callOptions);
      const id = requireGuid("changeQuantity", "subscription id", subscriptionId, correlationId);
      if (!Number.isInteger(quantity) || quantity < 1) {
        throw new MarketplaceBadRequest(
          { operation: "changeQuantity", status: null, requestId: null, correlationId },
          "the quantity is not a whole number of seats",
        );
      }
      const answer = await send({
        operation: "changeQuantity",
        method: "PATCH",
        path: `/saas/subscriptions/${id}`,
        body: { quantity },
        retry: "once",
        correlationId,
      });
      return accepted(answer);
    },

    /** Cancel (the subscription becomes Unsubscribed): 202 and an operation to follow. */
    async deleteSubscription(subscriptionId: string, callOptions?: CallOptions): Promise<OperationAccepted> {
      const correlationId = correlationOf("deleteSubscription", callOptions);
      const id = requireGuid("deleteSubscription", "subscription id", subscriptionId, correlationId);
      const answer = await send({
        operation: "deleteSubscription",
        method: "DELETE",
        path: `/saas/subscriptions/${id}`,
        retry: "once",
        correlationId,
      });
      return accepted(answer);
    },

    /** The subscription's pending operations, to acknowledge with updateOperation. */
    async listOperations(subscriptionId: string, callOptions?: CallOptions): Promise<Operation[]> {
      const correlationId = correlationOf("listOperations", callOptions);
      const id = requireGuid("listOperations", "subscription id", subscriptionId, correlationId);
      const answer = await send({
        operation: "listOperations",
        method: "GET",
        path: `/saas/subscriptions/${id}/operations`,
        retry: "idempotent",
        correlationId,
      });
      return parse(operationListSchema, answer, "listOperations", {}).operations;
    },

    /** One operation: what the webhook must confirm before acting (its payload alone is no proof). */
    async getOperation(subscriptionId: string, operationId: string, callOptions?: CallOptions): Promise<Operation> {
      const correlationId = correlationOf("getOperation", callOptions);
      const id = requireGuid("getOperation", "subscription id", subscriptionId, correlationId);
      const op = requireGuid("getOperation", "operation id", operationId, correlationId);
      const answer = await send({
        operation: "getOperation",
        method: "GET",
        path: `/saas/subscriptions/${id}/operations/${op}`,
        retry: "idempotent",
        correlationId,
      });
      return parse(operationSchema, answer, "getOperation");
    },

    /**
     * Accept (Success) or reject (Failure) a ChangePlan / ChangeQuantity / Reinstate. Setting the
     * same status twice is harmless, so it is retried like a GET; Microsoft accepts the change by
     * itself after 10 seconds, so keep the retry budget of a webhook's client short.
     */
    async updateOperation(
      subscriptionId: string,
      operationId: string,
      status: "Success" | "Failure",
      callOptions?: CallOptions,
    ): Promise<void> {
      const correlationId = correlationOf("updateOperation", callOptions);
      const id = requireGuid("updateOperation", "subscription id", subscriptionId, correlationId);
      const op = requireGuid("updateOperation", "operation id", operationId, correlationId);
      if (status !== "Success" && status !== "Failure") {
        throw new MarketplaceBadRequest(
          { operation: "updateOperation", status: null, requestId: null, correlationId },
          'the status must be "Success" or "Failure"',
        );
      }
      await send({
        operation: "updateOperation",
        method: "PATCH",
        path: `/saas/subscriptions/${id}/operations/${op}`,
        body: { status },
        retry: "idempotent",
        correlationId,
      });
    },
  };
}
