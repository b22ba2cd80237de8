// The purchase flow on the front channel (plain HTTP, like the Entra pages): the store, the choice
// of the buying account, "Purchase", the buyer's SaaS subscriptions and "Manage account". Both end
// as AppSource does: a 303 to `<landing page URL>?token=<URL-encoded purchase token>`.
//
// The buyer is the account of the Entra face's sign-in session cookie, never a form field: a
// cross-site form cannot buy in someone's name (the cookie is SameSite=Lax).
import type http from "node:http";
import type { Account } from "../directory";
import { sessionAccount, sessionCookie } from "../entra/session";
import { HttpError, readBody, type Handler } from "../http";
import { marketplaceErrorPage, storePage, subscriptionsPage } from "./pages";
import { MARKETPLACE_PAGES_PATH, PurchaseRefused, type Marketplace, type Subscription } from "./state";

const STORE = MARKETPLACE_PAGES_PATH;
const SUBSCRIPTIONS = `${MARKETPLACE_PAGES_PATH}/subscriptions`;

const html = (body: string, status: number) =>
  new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8" } });
const seeOther = (location: string, headers: Record<string, string> = {}) =>
  new Response(null, { status: 303, headers: { location, ...headers } });

/** Only the marketplace's own pages are a place to go back to after choosing an account. */
const safeNext = (next: string | null) => (next === SUBSCRIPTIONS ? SUBSCRIPTIONS : STORE);

function buyerOf(marketplace: Marketplace, request: http.IncomingMessage): Account | undefined {
  const account = sessionAccount(marketplace.entra, request.headers.cookie);
  return account && marketplace.buyers().includes(account) ? account : undefined;
}

function store(
  marketplace: Marketplace,
  buyer: Account | undefined,
  query: URLSearchParams,
  error?: string,
  chosen?: string,
) {
  return storePage({
    offers: marketplace.catalog.offers.filter((offer) => !offer.testFixture),
    buyer,
    accounts: marketplace.buyers(),
    tenants: marketplace.entra.directory.tenants,
    choose: query.get("choose") === "1",
    next: safeNext(query.get("next")),
    error,
    chosen,
  });
}

function chooseAccount(marketplace: Marketplace, form: URLSearchParams): Response {
  const account = marketplace.entra.account(form.get("tid") ?? "", form.get("oid") ?? "");
  if (!account || !marketplace.buyers().includes(account)) {
    throw new HttpError(
      400,
      marketplaceErrorPage("Account not allowed", "Choose a work or school account of a member."),
    );
  }
  return seeOther(safeNext(form.get("next")), { "set-cookie": sessionCookie(account) });
}

function purchase(marketplace: Marketplace, buyer: Account, form: URLSearchParams): Response {
  const chosen = form.get("plan") ?? "";
  const [offerId = "", planId = ""] = chosen.split("/");
  const offer = marketplace.offer(offerId);
  const refusal = (message: string, status = 400) =>
    html(store(marketplace, buyer, new URLSearchParams(), message, chosen), status);
  if (!offer || offer.testFixture || !marketplace.plan(offerId, planId)) return refusal("Choose a plan.");
  if (!marketplace.technicalConfigurations.has(offer.publisherId)) {
    return refusal(
      `The publisher "${offer.publisherId}" has registered no technical configuration (landing page URL): npm run dev registers one; a test posts it to /_emulator/marketplace/technical-configuration.`,
      409,
    );
  }
  const beneficiaryTenant = form.get("beneficiary") || buyer.tenantId;
  const beneficiary =
    beneficiaryTenant === buyer.tenantId ? buyer : marketplace.representative(beneficiaryTenant.toLowerCase());
  if (!beneficiary) return refusal("That organization has nobody who could use the subscription.");
  const quantity = form.get("quantity")?.trim();
  try {
    const subscription = marketplace.purchase({
      purchaser: buyer,
      beneficiary,
      offerId,
      planId,
      quantity: quantity ? Number(quantity) : undefined,
      name: form.get("name") ?? undefined,
    });
    return toLandingPage(marketplace, subscription);
  } catch (error) {
    if (error instanceof PurchaseRefused) return refusal(error.message);
    throw error;
  }
}

/** A fresh purchase token, and the browser sent to the landing page with it. */
function toLandingPage(marketplace: Marketplace, subscription: Subscription): Response {
  const { token } = marketplace.issueToken(subscription.id);
  const landing = marketplace.landingUrl(subscription, token);
  if (!landing) {
    throw new HttpError(
      409,
      marketplaceErrorPage(
        "No landing page",
        `The publisher "${subscription.publisherId}" has registered no landing page URL.`,
      ),
    );
  }
  return seeOther(landing);
}

/** The subscriptions the buyer's organization bought, or that were bought for it. */
function visibleTo(buyer: Account, subscription: Subscription): boolean {
  return subscription.purchaser.tenantId === buyer.tenantId || subscription.beneficiary.tenantId === buyer.tenantId;
}

export function marketplaceFrontHandler(marketplace: Marketplace): Handler {
  return async (request, url) => {
    const method = request.method ?? "GET";
    const path = url.pathname.replace(/\/+$/, "") || "/";
    marketplace.settle();
    const buyer = buyerOf(marketplace, request);
    let match: RegExpMatchArray | null;
    if (method === "GET" && path === STORE) return store(marketplace, buyer, url.searchParams);
    if (method === "POST" && path === `${STORE}/account`) {
      return chooseAccount(marketplace, new URLSearchParams(await readBody(request)));
    }
    if (method === "POST" && path === `${STORE}/purchase`) {
      if (!buyer) return seeOther(STORE);
      return purchase(marketplace, buyer, new URLSearchParams(await readBody(request)));
    }
    if (method === "GET" && path === SUBSCRIPTIONS) {
      if (!buyer) return seeOther(`${STORE}?choose=1&next=${encodeURIComponent(SUBSCRIPTIONS)}`);
      return subscriptionsPage({
        buyer,
        subscriptions: [...marketplace.subscriptions.values()].filter((subscription) => visibleTo(buyer, subscription)),
        tenants: marketplace.entra.directory.tenants,
        planName: (subscription) =>
          `${marketplace.offer(subscription.offerId)?.displayName ?? subscription.offerId}: ${marketplace.plan(subscription.offerId, subscription.planId)?.displayName ?? subscription.planId}`,
      });
    }
    if (method === "GET" && (match = path.match(/^\/marketplace\/subscriptions\/([^/]+)\/manage$/))) {
      if (!buyer) return seeOther(`${STORE}?choose=1&next=${encodeURIComponent(SUBSCRIPTIONS)}`);
      const subscription = marketplace.subscriptions.get(match[1]!.toLowerCase());
      if (!subscription || !visibleTo(buyer, subscription)) {
        throw new HttpError(
          404,
          marketplaceErrorPage("No such subscription", "Your organization has no such SaaS subscription."),
        );
      }
      return toLandingPage(marketplace, subscription);
    }
    throw new HttpError(404, marketplaceErrorPage("Not found", "This address is not a page of the local marketplace."));
  };
}
