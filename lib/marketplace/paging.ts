// "List subscriptions" of the SaaS Fulfillment API v2: the one paged call, 100 subscriptions a
// page, the next page named by the answer's `@nextLink`.
import { MarketplaceResponseInvalid } from "./errors";
import { subscriptionPageSchema, type Subscription } from "./schemas";
import { correlationOf, type CallOptions, type Transport } from "./transport";

export const DEFAULT_MAX_PAGES = 100;

/**
 * The continuation token of an `@nextLink`. The client never calls the link itself: the next
 * page is asked of the configured base URL, so the bearer token goes nowhere else whatever the
 * link says (Microsoft's own example link even starts with a stray "https:// ").
 */
function continuationTokenOf(nextLink: string): string | null {
  const match = nextLink.match(/[?&]continuationToken=([^&#\s]+)/);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

/**
 * Every subscription of every offer of the publisher, in all statuses, page by page (100 a
 * page) following `@nextLink`'s continuation token; at most `maxPages` pages.
 */
export async function* listSubscriptions(
  { send, parse }: Transport,
  maxPages: number,
  callOptions?: CallOptions,
): AsyncGenerator<Subscription, void, undefined> {
  const correlationId = correlationOf("listSubscriptions", callOptions);
  const seen = new Set<string>();
  let continuationToken: string | null = null;
  for (let page = 1; ; page++) {
    const answer = await send({
      operation: "listSubscriptions",
      method: "GET",
      path: "/saas/subscriptions",
      query: continuationToken ? { continuationToken } : undefined,
      retry: "idempotent",
      correlationId,
    });
    const { subscriptions, "@nextLink": nextLink } = parse(subscriptionPageSchema, answer, "listSubscriptions", {});
    yield* subscriptions;
    if (!nextLink) return;
    const context = {
      operation: "listSubscriptions",
      status: answer.status,
      requestId: answer.requestId,
      correlationId,
    };
    continuationToken = continuationTokenOf(nextLink);
    if (!continuationToken) throw new MarketplaceResponseInvalid(context, ["@nextLink: no continuationToken in it"]);
    if (seen.has(continuationToken)) throw new MarketplaceResponseInvalid(context, ["@nextLink: a page already read"]);
    if (page >= maxPages) {
      throw new MarketplaceResponseInvalid(context, [`more than ${maxPages} pages of subscriptions (raise maxPages)`]);
    }
    seen.add(continuationToken);
  }
}
