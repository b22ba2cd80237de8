// The local marketplace's state: the SaaS subscriptions bought, their purchase tokens and
// operations, the technical configurations registered, and what tests asked for (faults,
// settings) or read (the log of fulfillment API calls). Every change of a subscription's status
// happens here, in one place: purchase, activate, operations finishing, a status set by a test.
// The directory (buyers, tenants) is the Entra face's: one emulator, two faces.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { isConsentAdmin, PERSONAL_ACCOUNTS_TENANT, type Account } from "../directory";
import type { Emulator } from "../entra/state";
import { seatRange, type Catalog, type Offer, type Plan } from "./catalog";
import { UsageLedger } from "./metering";

/** Where the SaaS Fulfillment API v2 lives on the back channel (Microsoft: .../api). */
export const MARKETPLACE_API_PATH = "/marketplace/api";
export const API_VERSION = "2018-08-31";
/** The purchase pages on the front channel. */
export const MARKETPLACE_PAGES_PATH = "/marketplace";

export const SUBSCRIPTION_STATUSES = ["PendingFulfillmentStart", "Subscribed", "Suspended", "Unsubscribed"] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export type Party = { emailId: string; objectId: string; tenantId: string; puid: string };

export type Subscription = {
  id: string;
  name: string;
  publisherId: string;
  offerId: string;
  planId: string;
  /** Seats of a per-seat plan; undefined for a flat rate. */
  quantity?: number;
  purchaser: Party;
  /** The customer: the subscription belongs to the beneficiary's tenant. */
  beneficiary: Party;
  allowedCustomerOperations: string[];
  isFreeTrial: boolean;
  status: SubscriptionStatus;
  termUnit: Plan["termUnit"];
  termStart?: Date;
  termEnd?: Date;
  autoRenew: boolean;
  created: Date;
  lastModified?: Date;
};

export type OperationAction = "ChangePlan" | "ChangeQuantity" | "Unsubscribe" | "Suspend" | "Reinstate" | "Renew";
/** Who asked for an operation, as the webhook's operationRequestSource names it: the customer or Microsoft ("Azure"), or the publisher through the API ("Partner"). */
export type OperationSource = "Azure" | "Partner";
export type OperationStatus = "NotStarted" | "InProgress" | "Succeeded" | "Failed" | "Conflict";

export type Operation = {
  id: string;
  activityId: string;
  subscriptionId: string;
  action: OperationAction;
  /** The plan and seats the operation leads to. */
  planId: string;
  quantity?: number;
  status: OperationStatus;
  source: OperationSource;
  timeStamp: Date;
  /**
   * An InProgress operation finishes by itself (Succeeded) at this time, unless answered first.
   * A customer's change has none until the publisher's webhook acknowledged it (webhook.ts).
   */
  completesAt?: number;
  errorStatusCode: string;
  errorMessage: string;
};

/** Partner Center's technical configuration of a publisher's offers. */
export type TechnicalConfiguration = {
  publisherId: string;
  publisherTenantId: string;
  fulfillmentClientId: string;
  landingPageUrl: string;
  webhookUrl?: string;
};

export type MarketplaceSettings = {
  /** Subscriptions per page of "List subscriptions" (Microsoft: 100). */
  pageSize: number;
  /** How long a purchase token resolves. */
  tokenLifetimeMs: number;
  /** How long a publisher's change plan, change quantity or cancel stays InProgress. */
  operationDelayMs: number;
  /** Webhook notifications sent as they happen ("auto"), or queued until a test sends them ("manual"). */
  webhookDelivery: "auto" | "manual";
  /** The waits between a failed webhook call and the next; after the last, the marketplace gives up. */
  webhookRetryDelaysMs: number[];
  /** How long a customer's change waits for the publisher's answer once the webhook acknowledged it (Microsoft: 10 s). */
  webhookAcceptMs: number;
};

export const DEFAULT_SETTINGS: MarketplaceSettings = {
  pageSize: 100,
  tokenLifetimeMs: 4 * 60 * 60 * 1000,
  operationDelayMs: 2_000,
  webhookDelivery: "auto",
  webhookRetryDelaysMs: [1_000, 3_000, 10_000, 30_000],
  webhookAcceptMs: 10_000,
};

/** A misbehaviour of the fulfillment API a test asked for: the next `times` matching calls. */
export type Fault = {
  /** Tested against "<METHOD> <path under /marketplace/api>", e.g. "POST /saas/subscriptions/resolve". */
  pattern: RegExp;
  /** Only calls of this method, when given. */
  method?: string;
  status?: number;
  retryAfterSeconds: number;
  delayMs: number;
  times: number;
};

export type Call = {
  at: string;
  method: string;
  path: string;
  status: number;
  subscriptionId?: string;
  operationId?: string;
  requestId: string;
  correlationId: string;
  fault?: boolean;
};

/** A purchase the marketplace refuses, in words for the buyer (page) or the test (control). */
export class PurchaseRefused extends Error {}

const MAX_CALLS = 1_000;

export class Marketplace {
  readonly subscriptions = new Map<string, Subscription>();
  readonly operations = new Map<string, Operation>();
  /** Metered usage accepted (metering.ts). */
  readonly usage = new UsageLedger();
  /** Kept across reset, as app registrations are: Partner Center is configured once. */
  readonly technicalConfigurations = new Map<string, TechnicalConfiguration>();
  private readonly tokens = new Map<string, { subscriptionId: string; expiresAt: number }>();
  faults: Fault[] = [];
  calls: Call[] = [];
  settings: MarketplaceSettings;
  /** Told of every operation made or finished: the webhook's deliveries (webhook.ts) listen here. */
  onOperation: (operation: Operation) => void = () => {};

  constructor(
    readonly entra: Emulator,
    readonly catalog: Catalog,
    private readonly defaults: MarketplaceSettings,
  ) {
    this.settings = { ...defaults };
  }

  get apiUrl(): string {
    return `${this.entra.backUrl}${MARKETPLACE_API_PATH}`;
  }

  reset(): void {
    this.subscriptions.clear();
    this.operations.clear();
    this.usage.clear();
    this.tokens.clear();
    this.faults = [];
    this.calls = [];
    this.settings = { ...this.defaults };
  }

  offer(offerId: string): Offer | undefined {
    return this.catalog.offers.find((candidate) => candidate.offerId === offerId);
  }

  plan(offerId: string, planId: string): Plan | undefined {
    return this.offer(offerId)?.plans.find((candidate) => candidate.planId === planId);
  }

  /** Who can buy a SaaS offer: members (not guests) of organizations (not personal accounts). */
  buyers(): Account[] {
    return this.entra.directory.accounts.filter(
      (account) => account.tenantId !== PERSONAL_ACCOUNTS_TENANT && !account.homeTenantId,
    );
  }

  /** The beneficiary of a purchase for another organization: its first administrator, else its first member. */
  representative(tenantId: string): Account | undefined {
    const members = this.buyers().filter((account) => account.tenantId === tenantId);
    return members.find(isConsentAdmin) ?? members[0];
  }

  /** The publisher whose technical configuration names this app of this tenant. */
  publisherOf(tenantId: string, clientId: string): string | undefined {
    for (const configuration of this.technicalConfigurations.values()) {
      if (configuration.publisherTenantId === tenantId && configuration.fulfillmentClientId === clientId)
        return configuration.publisherId;
    }
    return undefined;
  }

  /** The Operation-Location of an operation, as Microsoft's 202 answers carry it. */
  operationLocation(operation: Operation): string {
    return `${this.apiUrl}/saas/subscriptions/${operation.subscriptionId}/operations/${operation.id}?api-version=${API_VERSION}`;
  }

  /** `<landing page URL>?token=<URL-encoded token>`, as AppSource opens it; undefined if none is configured. */
  landingUrl(subscription: Subscription, token: string): string | undefined {
    const landing = this.technicalConfigurations.get(subscription.publisherId)?.landingPageUrl;
    if (!landing) return undefined;
    return `${landing}${landing.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}`;
  }

  /** A new subscription, PendingFulfillmentStart: what the buyer's "Purchase" makes. */
  purchase(input: {
    purchaser: Account;
    beneficiary?: Account;
    offerId: string;
    planId: string;
    quantity?: number;
    name?: string;
  }): Subscription {
    const beneficiary = input.beneficiary ?? input.purchaser;
    for (const account of [input.purchaser, beneficiary]) {
      // SaaS offers are sold to organizations: a work or school account of a member.
      if (account.tenantId === PERSONAL_ACCOUNTS_TENANT || account.homeTenantId)
        throw new PurchaseRefused(`${account.username} cannot buy: a work or school account of a member is needed.`);
    }
    const offer = this.offer(input.offerId);
    if (!offer) throw new PurchaseRefused(`No offer "${input.offerId}".`);
    const plan = this.plan(offer.offerId, input.planId);
    if (!plan) throw new PurchaseRefused(`No plan "${input.planId}" in offer "${offer.offerId}".`);
    if (plan.isStopSell) throw new PurchaseRefused(`The plan "${plan.planId}" is no longer sold.`);
    let quantity: number | undefined;
    if (plan.isPricePerSeat) {
      const { min, max } = seatRange(plan);
      quantity = input.quantity ?? min;
      if (!Number.isInteger(quantity) || quantity < min || quantity > max)
        throw new PurchaseRefused(`The plan "${plan.planId}" is sold for ${min} to ${max} users.`);
    }
    const organization = this.entra.directory.tenants.get(beneficiary.tenantId)?.displayName ?? "";
    const subscription: Subscription = {
      id: randomUUID(),
      name: input.name?.trim() || `${offer.displayName} for ${organization}`,
      publisherId: offer.publisherId,
      offerId: offer.offerId,
      planId: plan.planId,
      quantity,
      purchaser: party(input.purchaser),
      beneficiary: party(beneficiary),
      // A CSP partner buys for a customer, who may then only read the subscription.
      allowedCustomerOperations:
        input.purchaser.tenantId === beneficiary.tenantId ? ["Read", "Update", "Delete"] : ["Read"],
      isFreeTrial: plan.hasFreeTrials,
      status: "PendingFulfillmentStart",
      termUnit: plan.termUnit,
      autoRenew: true,
      created: new Date(),
    };
    this.subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  /**
   * A purchase identification token: opaque, Base64 with `+`, `/` and `=` (so a landing page
   * that forgets to URL-decode it fails here as it would with Microsoft's), resolvable again and
   * again until it expires.
   */
  issueToken(subscriptionId: string): { token: string; expiresAt: Date } {
    let token: string;
    do token = randomBytes(61).toString("base64");
    while (!token.includes("+") || !token.includes("/"));
    const expiresAt = Date.now() + this.settings.tokenLifetimeMs;
    this.tokens.set(token, { subscriptionId, expiresAt });
    return { token, expiresAt: new Date(expiresAt) };
  }

  resolveToken(token: string): Subscription | "unknown" | "expired" {
    const issued = this.tokens.get(token);
    if (!issued) return "unknown";
    if (issued.expiresAt <= Date.now()) return "expired";
    return this.subscriptions.get(issued.subscriptionId) ?? "unknown";
  }

  expireToken(token: string): boolean {
    const issued = this.tokens.get(token);
    if (issued) issued.expiresAt = 0;
    return issued !== undefined;
  }

  /** Billing starts: Subscribed, the term from today. */
  activate(subscription: Subscription): void {
    const start = new Date();
    start.setUTCHours(0, 0, 0, 0);
    subscription.status = "Subscribed";
    subscription.termStart = start;
    subscription.termEnd = termEnd(start, subscription.termUnit);
    subscription.lastModified = new Date();
  }

  /** The next term, from the day after the current one ends; a free trial ends with its first term. */
  renew(subscription: Subscription): Operation {
    const start = new Date(subscription.termEnd ?? Date.now());
    start.setUTCHours(0, 0, 0, 0);
    start.setUTCDate(start.getUTCDate() + 1);
    subscription.termStart = start;
    subscription.termEnd = termEnd(start, subscription.termUnit);
    subscription.isFreeTrial = false;
    subscription.lastModified = new Date();
    return this.startOperation(subscription, "Renew", { source: "Azure", finished: true });
  }

  /** The operation in progress on a subscription, if any (a second one is a 409). */
  pendingOperation(subscriptionId: string): Operation | undefined {
    this.settle();
    return [...this.operations.values()].find(
      (operation) => operation.subscriptionId === subscriptionId && operation.status === "InProgress",
    );
  }

  /**
   * A publisher's change plan, change quantity or cancel: InProgress for operationDelayMs. A
   * customer's ("Azure") change waits for the publisher; `finished` is what Microsoft did itself.
   */
  startOperation(
    subscription: Subscription,
    action: OperationAction,
    target: { planId?: string; quantity?: number; source?: OperationSource; finished?: boolean } = {},
  ): Operation {
    const source = target.source ?? "Partner";
    const operation: Operation = {
      id: randomUUID(),
      activityId: randomUUID(),
      subscriptionId: subscription.id,
      action,
      planId: target.planId ?? subscription.planId,
      quantity: target.quantity ?? subscription.quantity,
      status: target.finished ? "Succeeded" : "InProgress",
      source,
      timeStamp: new Date(),
      completesAt: target.finished || source === "Azure" ? undefined : Date.now() + this.settings.operationDelayMs,
      errorStatusCode: "",
      errorMessage: "",
    };
    this.operations.set(operation.id, operation);
    this.onOperation(operation);
    return operation;
  }

  /** Operations whose time has come finish as Succeeded (read lazily: no timers to stop). */
  settle(now = Date.now()): void {
    for (const operation of this.operations.values()) {
      if (operation.status === "InProgress" && (operation.completesAt ?? Infinity) <= now)
        this.finishOperation(operation, "Succeeded");
    }
  }

  /** An operation's end; a Succeeded one changes its subscription. */
  finishOperation(operation: Operation, outcome: "Succeeded" | "Failed", reason = "Rejected by the publisher"): void {
    operation.status = outcome;
    operation.completesAt = undefined;
    if (outcome === "Failed") {
      operation.errorStatusCode = "400";
      operation.errorMessage = reason;
      this.onOperation(operation);
      return;
    }
    const subscription = this.subscriptions.get(operation.subscriptionId);
    if (!subscription) return this.onOperation(operation);
    if (operation.action === "ChangePlan") {
      const plan = this.plan(subscription.offerId, operation.planId)!;
      subscription.planId = plan.planId;
      subscription.termUnit = plan.termUnit;
      subscription.isFreeTrial = subscription.isFreeTrial && plan.hasFreeTrials;
      subscription.quantity = plan.isPricePerSeat ? (subscription.quantity ?? seatRange(plan).min) : undefined;
    } else if (operation.action === "ChangeQuantity") {
      subscription.quantity = operation.quantity;
    } else if (operation.action === "Unsubscribe") {
      subscription.status = "Unsubscribed";
    }
    subscription.lastModified = new Date();
    this.onOperation(operation);
  }

  /**
   * A status set from outside (a test, or Microsoft's own side: a payment problem, a cancellation
   * in the portal). Suspend, Unsubscribe and Reinstate leave a Succeeded operation behind, as the
   * marketplace's would, for a webhook to name and Get Operation to confirm.
   */
  setStatus(subscription: Subscription, status: SubscriptionStatus): Operation | undefined {
    const previous = subscription.status;
    if (status === previous) return undefined;
    if (status === "Subscribed" && previous === "PendingFulfillmentStart") {
      this.activate(subscription);
      return undefined;
    }
    subscription.status = status;
    subscription.lastModified = new Date();
    const action: OperationAction | undefined =
      status === "Suspended"
        ? "Suspend"
        : status === "Unsubscribed"
          ? "Unsubscribe"
          : status === "Subscribed"
            ? "Reinstate"
            : undefined;
    if (!action) return undefined;
    return this.startOperation(subscription, action, { source: "Azure", finished: true });
  }

  /** The next fault matching this call, used up by one. */
  takeFault(method: string, path: string): Fault | undefined {
    const fault = this.faults.find(
      (candidate) => (!candidate.method || candidate.method === method) && candidate.pattern.test(`${method} ${path}`),
    );
    if (!fault) return undefined;
    fault.times--;
    if (fault.times <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
    return fault;
  }

  recordCall(call: Call): void {
    this.calls.push(call);
    if (this.calls.length > MAX_CALLS) this.calls.splice(0, this.calls.length - MAX_CALLS);
  }
}

/** The last day of a term that starts on `start` (a month or a year, less a day). */
function termEnd(start: Date, unit: Plan["termUnit"]): Date {
  const end = new Date(start);
  if (unit === "P1Y") end.setUTCFullYear(end.getUTCFullYear() + 1);
  else end.setUTCMonth(end.getUTCMonth() + 1);
  end.setUTCDate(end.getUTCDate() - 1);
  return end;
}

/** The purchaser or beneficiary as the API names them; `puid` is stable per person. */
function party(account: Account): Party {
  const puid = createHash("sha256").update(`puid|${account.tenantId}|${account.oid}`).digest("hex").slice(0, 16);
  return {
    emailId: account.email ?? account.username,
    objectId: account.oid,
    tenantId: account.tenantId,
    puid: puid.toUpperCase(),
  };
}
