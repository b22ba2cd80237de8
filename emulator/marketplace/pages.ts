// The local marketplace's pages: the store (offers, plans, "Purchase"), the choice of the account
// that buys, and the buyer's SaaS subscriptions with "Manage account". Plain HTML, one h1, every
// field labelled, every value escaped; clearly a local stand-in for AppSource.
import type { Account, Tenant } from "../directory";
import { esc, page, type Face } from "../pages";
import { termDescription, type Offer } from "./catalog";
import type { Subscription } from "./state";

const face: Face = {
  name: "Local marketplace",
  banner:
    "<strong>Local commercial marketplace</strong> — for development and tests only. This is not AppSource or the Azure portal: nothing is bought or billed.",
  wide: true,
};

const organization = (tenants: Map<string, Tenant>, tenantId: string) => tenants.get(tenantId)?.displayName ?? tenantId;

function accountChoice(accounts: Account[], tenants: Map<string, Tenant>, next: string): string {
  const choices = accounts
    .map(
      (account) => `<form method="post" action="/marketplace/account">
  <input type="hidden" name="tid" value="${esc(account.tenantId)}"><input type="hidden" name="oid" value="${esc(account.oid)}"><input type="hidden" name="next" value="${esc(next)}">
  <button class="account" type="submit">${esc(account.name)}<small>${esc(account.username)} · ${esc(organization(tenants, account.tenantId))}</small></button>
</form>`,
    )
    .join("\n");
  return `<h2>Choose the account you buy with</h2>
<p class="muted">Work or school accounts of the demo directory. The choice signs you in to the local Entra ID emulator too, as signing in to AppSource does.</p>
${choices}`;
}

function offerList(offers: Offer[]): string {
  return offers
    .map(
      (offer) => `<h2>${esc(offer.displayName)}</h2>${offer.description ? `<p>${esc(offer.description)}</p>` : ""}
<ul>${offer.plans
        .filter((plan) => !plan.isStopSell)
        .map(
          (plan) =>
            `<li><strong>${esc(plan.displayName)}</strong>: ${esc(termDescription(plan))}${plan.hasFreeTrials ? " · free trial" : ""}</li>`,
        )
        .join("")}</ul>`,
    )
    .join("\n");
}

function purchaseForm(input: {
  offers: Offer[];
  buyer: Account;
  tenants: Map<string, Tenant>;
  chosen?: string;
}): string {
  const fieldsets = input.offers
    .map(
      (offer) => `<fieldset><legend>${esc(offer.displayName)}</legend>
${offer.description ? `<p class="muted">${esc(offer.description)}</p>` : ""}
${offer.plans
  .filter((plan) => !plan.isStopSell)
  .map((plan) => {
    const value = `${offer.offerId}/${plan.planId}`;
    return `<label class="choice"><input type="radio" name="plan" value="${esc(value)}" required${value === input.chosen ? " checked" : ""}> <strong>${esc(plan.displayName)}</strong> — ${esc(termDescription(plan))}${plan.hasFreeTrials ? " · free trial" : ""}${plan.description ? `<br><span class="muted">${esc(plan.description)}</span>` : ""}</label>`;
  })
  .join("\n")}
</fieldset>`,
    )
    .join("\n");
  const others = [...input.tenants.values()].filter((tenant) => !tenant.personal && tenant.id !== input.buyer.tenantId);
  return `<form method="post" action="/marketplace/purchase">
${fieldsets}
<label class="field" for="quantity">Number of users (per-user plans only)
<input id="quantity" name="quantity" type="number" min="1" step="1" value="1" inputmode="numeric"></label>
<label class="field" for="name">SaaS subscription name (optional)
<input id="name" name="name" type="text" maxlength="100"></label>
<label class="field" for="beneficiary">Buy for
<select id="beneficiary" name="beneficiary">
<option value="">Your organization (${esc(organization(input.tenants, input.buyer.tenantId))})</option>
${others.map((tenant) => `<option value="${esc(tenant.id)}">${esc(tenant.displayName)} (another organization, as a CSP partner would)</option>`).join("\n")}
</select></label>
<div class="actions"><button class="primary" type="submit">Purchase</button></div>
</form>`;
}

/** GET /marketplace: the offers, and either the purchase form or the choice of an account. */
export function storePage(input: {
  offers: Offer[];
  buyer?: Account;
  accounts: Account[];
  tenants: Map<string, Tenant>;
  choose: boolean;
  next: string;
  error?: string;
  chosen?: string;
}): string {
  const { buyer } = input;
  const intro = `<h1>Local marketplace</h1>
<p class="muted">Buy a plan as a customer does in AppSource: "Purchase" opens the publisher's landing page with a purchase token (<code>?token=…</code>), as the marketplace does.</p>
${input.error ? `<p class="error" role="alert">${esc(input.error)}</p>` : ""}`;
  if (!buyer || input.choose) {
    return page(
      "Buy a plan",
      `${intro}${offerList(input.offers)}${accountChoice(input.accounts, input.tenants, input.next)}`,
      face,
    );
  }
  return page(
    "Buy a plan",
    `${intro}<p>Buying as <strong>${esc(buyer.name)}</strong> (${esc(buyer.username)}, ${esc(organization(input.tenants, buyer.tenantId))}). <a href="/marketplace?choose=1">Use another account</a> · <a href="/marketplace/subscriptions">Your SaaS subscriptions</a></p>
${purchaseForm({ offers: input.offers, buyer, tenants: input.tenants, chosen: input.chosen })}`,
    face,
  );
}

/** What the customer may do to a Subscribed subscription on the page (per-seat plans: the seats). */
export type Management = {
  plans: { planId: string; displayName: string }[];
  seats?: { min: number; max: number };
  /** The operation waiting for the publisher's answer, in words. */
  pending?: string;
  mayUpdate: boolean;
  mayDelete: boolean;
};

/** Change plan, change number of users, cancel: each starts an operation the publisher's webhook hears of. */
function managementForms(subscription: Subscription, manage: Management): string {
  const id = esc(subscription.id);
  const name = esc(subscription.name);
  const action = `/marketplace/subscriptions/${id}`;
  if (manage.pending) return `<p role="status">${esc(manage.pending)}</p>`;
  const forms: string[] = [];
  if (manage.mayUpdate && manage.plans.length) {
    forms.push(`<form method="post" action="${action}/change">
<label class="field" for="plan-${id}">New plan
<select id="plan-${id}" name="planId">${manage.plans.map((plan) => `<option value="${esc(plan.planId)}">${esc(plan.displayName)}</option>`).join("")}</select></label>
<button type="submit" aria-label="Change plan: ${name}">Change plan</button>
</form>`);
  }
  if (manage.mayUpdate && manage.seats) {
    forms.push(`<form method="post" action="${action}/change">
<label class="field" for="quantity-${id}">Number of users (${manage.seats.min} to ${manage.seats.max})
<input id="quantity-${id}" name="quantity" type="number" min="${manage.seats.min}" max="${manage.seats.max}" step="1" value="${esc(subscription.quantity)}" inputmode="numeric" required></label>
<button type="submit" aria-label="Change number of users: ${name}">Change number of users</button>
</form>`);
  }
  if (manage.mayDelete) {
    forms.push(`<form method="post" action="${action}/cancel">
<button type="submit" aria-label="Cancel subscription: ${name}">Cancel subscription</button>
</form>`);
  }
  return forms.join("\n") || `<p class="muted">Only the organization that bought it can change this subscription.</p>`;
}

export const MICROSOFT_ACTIONS = ["suspend", "reinstate", "renew"] as const;
/** What Microsoft does to a subscription on its own, without the customer or the publisher. */
export type MicrosoftAction = (typeof MICROSOFT_ACTIONS)[number];

/** Microsoft's steps the local marketplace lets a person play on a subscription that is not Unsubscribed. */
export type MicrosoftSide = {
  /** suspend and renew when Subscribed, reinstate when Suspended, none before activation. */
  actions: MicrosoftAction[];
  mayAct: boolean;
};

const microsoftLabels: Record<MicrosoftAction, string> = {
  suspend: "Suspend (payment problem)",
  reinstate: "Reinstate",
  renew: "Renew now",
};

/** A panel apart from the customer's forms: AppSource has no such buttons, Microsoft does these itself. */
function microsoftPanel(subscription: Subscription, side: MicrosoftSide): string {
  const id = esc(subscription.id);
  const name = esc(subscription.name);
  const term =
    subscription.termStart && subscription.termEnd
      ? ` Current term: ${subscription.termStart.toISOString().slice(0, 10)} to ${subscription.termEnd.toISOString().slice(0, 10)}.`
      : "";
  const buttons = side.actions
    .map(
      (action) => `<form method="post" action="/marketplace/subscriptions/${id}/${action}">
<button type="submit" aria-label="${esc(microsoftLabels[action])}: ${name}">${esc(microsoftLabels[action])}</button>
</form>`,
    )
    .join("\n");
  const body = !side.mayAct
    ? `<p class="muted">Only the organization that bought it can change this subscription.</p>`
    : buttons || `<p class="muted">Nothing until the publisher activates the subscription.</p>`;
  return `<section class="panel" aria-labelledby="microsoft-${id}"><h4 id="microsoft-${id}">Microsoft's side (local marketplace only)</h4>
<p class="muted">What Microsoft does on its own, which AppSource has no button for; the publisher hears of it through its webhook.${esc(term)}</p>
${body}</section>`;
}

/** GET /marketplace/subscriptions: the buyer's organization's SaaS subscriptions. */
export function subscriptionsPage(input: {
  buyer: Account;
  subscriptions: Subscription[];
  tenants: Map<string, Tenant>;
  planName: (subscription: Subscription) => string;
  /** Undefined for a subscription that is not Subscribed. */
  manage: (subscription: Subscription) => Management | undefined;
  /** Undefined for a subscription that is Unsubscribed. */
  microsoft: (subscription: Subscription) => MicrosoftSide | undefined;
  error?: string;
  notice?: string;
}): string {
  const rows = input.subscriptions
    .map(
      (subscription) => `<tr>
<td>${esc(subscription.name)}</td>
<td>${esc(input.planName(subscription))}</td>
<td>${esc(subscription.quantity ?? "—")}</td>
<td>${esc(subscription.status)}${subscription.isFreeTrial ? " (free trial)" : ""}</td>
<td>${esc(subscription.purchaser.emailId)}<br><span class="muted">${esc(organization(input.tenants, subscription.purchaser.tenantId))}</span></td>
<td>${esc(subscription.beneficiary.emailId)}<br><span class="muted">${esc(organization(input.tenants, subscription.beneficiary.tenantId))}</span></td>
<td><a href="/marketplace/subscriptions/${esc(subscription.id)}/manage" aria-label="Manage account: ${esc(subscription.name)}">Manage account</a></td>
</tr>`,
    )
    .join("\n");
  const org = organization(input.tenants, input.buyer.tenantId);
  const table = rows
    ? `<table><caption class="muted">Bought by ${esc(org)} or for it</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Offer and plan</th><th scope="col">Users</th><th scope="col">Status</th><th scope="col">Purchaser</th><th scope="col">Beneficiary</th><th scope="col">Account</th></tr></thead>
<tbody>${rows}</tbody></table>`
    : `<p>${esc(org)} has no SaaS subscription yet.</p>`;
  const managed = input.subscriptions.flatMap((subscription) => {
    const manage = input.manage(subscription);
    const microsoft = input.microsoft(subscription);
    if (!manage && !microsoft) return [];
    const customer = manage
      ? managementForms(subscription, manage)
      : `<p class="muted">The subscription is ${esc(subscription.status)}: the customer can change it once it is Subscribed.</p>`;
    return [
      `<section aria-labelledby="manage-${esc(subscription.id)}"><h3 id="manage-${esc(subscription.id)}">${esc(subscription.name)}</h3>
${customer}
${microsoft ? microsoftPanel(subscription, microsoft) : ""}</section>`,
    ];
  });
  const management = managed.length
    ? `<h2>Change or cancel</h2>
<p class="muted">As the customer does in the Microsoft 365 admin center: the publisher hears of it through its connection webhook and answers a change of plan or of users.</p>
${managed.join("\n")}`
    : "";
  return page(
    "Your SaaS subscriptions",
    `<h1>Your SaaS subscriptions</h1>
<p>Signed in as <strong>${esc(input.buyer.name)}</strong> (${esc(input.buyer.username)}). <a href="/marketplace">Buy a plan</a> · <a href="/marketplace?choose=1&amp;next=%2Fmarketplace%2Fsubscriptions">Use another account</a></p>
${input.error ? `<p class="error" role="alert">${esc(input.error)}</p>` : ""}${input.notice ? `<p role="status">${esc(input.notice)}</p>` : ""}
${table}
${management}`,
    face,
  );
}

export function marketplaceErrorPage(title: string, message: string): string {
  return page(
    title,
    `<h1>${esc(title)}</h1><p>${esc(message)}</p><p><a href="/marketplace">Back to the local marketplace</a></p>`,
    face,
  );
}
