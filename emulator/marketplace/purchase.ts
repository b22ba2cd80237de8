// The purchase flow on the front channel (plain HTTP, like the Entra pages): the store, the choice
// of the buying account, "Purchase", the buyer's SaaS subscriptions and "Manage account". Both end
// as AppSource does: a 303 to `<landing page URL>?token=<URL-encoded purchase token>`. The
// subscriptions page also changes the plan or the number of users, or cancels, as the Microsoft 365
// admin center does, and plays what Microsoft does on its own (suspend after a payment problem,
// reinstate, renew) so the whole life of a subscription can be tried in a browser (customer.ts);
// the publisher's webhook hears of each (webhook.ts).
//
// The buyer is the account of the Entra face's sign-in session cookie, never a form field: a
// cross-site form cannot buy in someone's name (the cookie is SameSite=Lax).
import type http from "node:http";
import type { Account } from "../directory";
import { sessionAccount, sessionCookie } from "../entra/session";
import { HttpError, readBody, type Handler } from "../http";
import { seatRange } from "./catalog";
import {
  cancelByCustomer,
  changeByCustomer,
  ChangeRefused,
  reinstateByMicrosoft,
  renewByMicrosoft,
  suspendByMicrosoft,
} from "./customer";
import {
  marketplaceErrorPage,
  MICROSOFT_ACTIONS,
  storePage,
  subscriptionsPage,
  type Management,
  type MicrosoftAction,
  type MicrosoftSide,
} from "./pages";
import { MARKETPLACE_PAGES_PATH, PurchaseRefused, type Marketplace, type Operation, type Subscription } from "./state";

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

/** The purchaser's organization may; a CSP partner's customer only as allowedCustomerOperations says. */
function may(buyer: Account, subscription: Subscription, operation: "Update" | "Delete"): boolean {
  return (
    subscription.purchaser.tenantId === buyer.tenantId || subscription.allowedCustomerOperations.includes(operation)
  );
}

/** An operation under way, in the customer's words. */
function pendingText(marketplace: Marketplace, subscription: Subscription, pending: Operation): string {
  const what =
    pending.action === "ChangePlan"
      ? `Changing to ${marketplace.plan(subscription.offerId, pending.planId)?.displayName ?? pending.planId}`
      : pending.action === "ChangeQuantity"
        ? `Changing to ${pending.quantity} users`
        : pending.action;
  return `${what}: ${pending.source === "Azure" ? "waiting for the publisher." : "in progress, as the publisher asked."}`;
}

function management(marketplace: Marketplace, buyer: Account, subscription: Subscription): Management | undefined {
  if (subscription.status !== "Subscribed") return undefined;
  const plan = marketplace.plan(subscription.offerId, subscription.planId);
  const pending = marketplace.pendingOperation(subscription.id);
  return {
    plans: (marketplace.offer(subscription.offerId)?.plans ?? []).filter(
      (candidate) => !candidate.isStopSell && candidate.planId !== subscription.planId,
    ),
    seats: plan?.isPricePerSeat ? seatRange(plan) : undefined,
    pending: pending ? pendingText(marketplace, subscription, pending) : undefined,
    mayUpdate: may(buyer, subscription, "Update"),
    mayDelete: may(buyer, subscription, "Delete"),
  };
}

/** What Microsoft may do on its own now: nothing once Unsubscribed (no panel at all). */
function microsoftSide(buyer: Account, subscription: Subscription): MicrosoftSide | undefined {
  if (subscription.status === "Unsubscribed") return undefined;
  const actions: MicrosoftAction[] =
    subscription.status === "Subscribed"
      ? ["suspend", "renew"]
      : subscription.status === "Suspended"
        ? ["reinstate"]
        : [];
  return { actions, mayAct: may(buyer, subscription, "Update") };
}

/** After a change, a cancellation or Microsoft's own step (?sent=...): fixed words, nothing from the URL is shown. */
function notice(sent: string | null): string | undefined {
  if (sent === "change") return "Change requested: the publisher was told through its webhook and has to accept it.";
  if (sent === "cancel") return "Subscription cancelled: the publisher was told through its webhook.";
  if (sent === "suspend")
    return "Subscription suspended, as Microsoft does after a payment problem: the publisher was told through its webhook.";
  if (sent === "reinstate") return "Subscription reinstated: the publisher was told through its webhook.";
  if (sent === "renew") return "Subscription renewed for its next term: the publisher was told through its webhook.";
  return undefined;
}

function subscriptions(marketplace: Marketplace, buyer: Account, status = 200, error?: string, notice?: string) {
  return html(
    subscriptionsPage({
      buyer,
      subscriptions: [...marketplace.subscriptions.values()].filter((subscription) => visibleTo(buyer, subscription)),
      tenants: marketplace.entra.directory.tenants,
      planName: (subscription) =>
        `${marketplace.offer(subscription.offerId)?.displayName ?? subscription.offerId}: ${marketplace.plan(subscription.offerId, subscription.planId)?.displayName ?? subscription.planId}`,
      manage: (subscription) => management(marketplace, buyer, subscription),
      microsoft: (subscription) => microsoftSide(buyer, subscription),
      error,
      notice,
    }),
    status,
  );
}

/** POST .../<id>/change ({ planId } or { quantity }) or .../<id>/cancel, then back to the list. */
function customerAction(
  marketplace: Marketplace,
  buyer: Account,
  subscription: Subscription,
  action: "change" | "cancel",
  form: URLSearchParams,
): Response {
  if (!may(buyer, subscription, action === "cancel" ? "Delete" : "Update"))
    return subscriptions(marketplace, buyer, 403, "Only the organization that bought it can change this subscription.");
  try {
    if (action === "cancel") cancelByCustomer(marketplace, subscription);
    else
      changeByCustomer(
        marketplace,
        subscription,
        form.has("planId") ? { planId: form.get("planId") } : { quantity: form.get("quantity") ?? "" },
      );
  } catch (error) {
    if (error instanceof ChangeRefused) return subscriptions(marketplace, buyer, error.status, error.message);
    throw error;
  }
  return seeOther(`${SUBSCRIPTIONS}?sent=${action}`);
}

/**
 * POST .../<id>/suspend, .../reinstate or .../renew: what Microsoft does on its own, played from the
 * page (AppSource has no such buttons). The same steps as the control API's status and renew
 * routes (customer.ts), and the same rule as a change: a buyer who may only read gets a 403.
 */
function microsoftAction(
  marketplace: Marketplace,
  buyer: Account,
  subscription: Subscription,
  action: MicrosoftAction,
): Response {
  if (!may(buyer, subscription, "Update"))
    return subscriptions(marketplace, buyer, 403, "Only the organization that bought it can change this subscription.");
  try {
    if (action === "suspend") suspendByMicrosoft(marketplace, subscription);
    else if (action === "reinstate") reinstateByMicrosoft(marketplace, subscription);
    else renewByMicrosoft(marketplace, subscription);
  } catch (error) {
    if (error instanceof ChangeRefused) return subscriptions(marketplace, buyer, error.status, error.message);
    throw error;
  }
  return seeOther(`${SUBSCRIPTIONS}?sent=${action}`);
}

export function marketplaceFrontHandler(marketplace: Marketplace): Handler {
  return async (request, url) => {
    const method = request.method ?? "GET";
    const path = url.pathname.replace(/\/+$/, "") || "/";
    marketplace.settle();
    const buyer = buyerOf(marketplace, request);
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
      return subscriptions(marketplace, buyer, 200, undefined, notice(url.searchParams.get("sent")));
    }
    const own = path.match(/^\/marketplace\/subscriptions\/([^/]+)\/(manage|change|cancel|suspend|reinstate|renew)$/);
    // GET .../manage opens the landing page; every other action is a POST that changes the subscription.
    if (own && method === (own[2] === "manage" ? "GET" : "POST")) {
      if (!buyer) return seeOther(`${STORE}?choose=1&next=${encodeURIComponent(SUBSCRIPTIONS)}`);
      const subscription = marketplace.subscriptions.get(own[1]!.toLowerCase());
      if (!subscription || !visibleTo(buyer, subscription)) {
        throw new HttpError(
          404,
          marketplaceErrorPage("No such subscription", "Your organization has no such SaaS subscription."),
        );
      }
      if (own[2] === "manage") return toLandingPage(marketplace, subscription);
      const form = new URLSearchParams(await readBody(request));
      const microsoft = MICROSOFT_ACTIONS.find((candidate) => candidate === own[2]);
      if (microsoft) return microsoftAction(marketplace, buyer, subscription, microsoft);
      return customerAction(marketplace, buyer, subscription, own[2] as "change" | "cancel", form);
    }
    throw new HttpError(404, marketplaceErrorPage("Not found", "This address is not a page of the local marketplace."));
  };
}
