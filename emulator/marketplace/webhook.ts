// The marketplace's calls to the publisher's connection webhook ("Implementing a webhook on the
// SaaS service"): a JSON POST for each operation Microsoft announces, with a bearer token from
// Microsoft Entra ID (webhook-token.ts), to the webhookUrl of the publisher's technical
// configuration (none: nothing is sent). A call that is not answered 2xx is made again after each
// of the webhookRetryDelaysMs (Microsoft: up to 500 times over 8 hours), then given up.
//
// What is announced, and what the answer does:
// - ChangePlan and ChangeQuantity the customer asked for (operationRequestSource "Azure"), while
//   InProgress. The publisher accepts by PATCHing the operation Success, or rejects it by PATCHing
//   Failure or by answering 4xx. A change acknowledged (2xx) but never PATCHed is accepted
//   webhookAcceptMs later (Microsoft accepts it by itself after 10 seconds); a change whose
//   notification was never acknowledged fails once the retries are given up (Microsoft: the
//   operation fails on its side in the end). Until then it stays InProgress: it never finishes
//   before the publisher had its chance (in "manual" delivery, not before a test sent it).
// - Suspend, Reinstate, Unsubscribe and Renew, made by Microsoft: Succeeded, notify only. (The
//   docs' example of Reinstate says InProgress; this marketplace reinstates at once, and Get
//   Operation answers Succeeded, so the notification says so too.)
// - Of the publisher's own requests (operationRequestSource "Partner"), only a cancellation, once
//   it succeeded. The docs disagree about the rest: the Subscription APIs page promises a webhook
//   after a publisher's change plan and change quantity too, while the SaaS life-cycle page says
//   that for an update started by the SaaS service the webhook call is replaced by that update,
//   and the webhook page lists events that happen on Microsoft's side. The publisher learns how
//   its own change ended from Operation-Location. For a cancellation, the cancel API's page tells
//   the publisher to wait for the webhook once the marketplace completed it, and only then to
//   cancel on its side: that one is sent.
//
// Deliveries never hold up the call that caused them. Timers and calls under way end on reset
// and when the emulator stops.
import { webhookJson } from "./shapes";
import type { Marketplace, Operation, OperationAction } from "./state";
import { webhookToken, type Forgery, type TokenVersion } from "./webhook-token";

export { FORGERIES, TOKEN_VERSIONS, type Forgery, type TokenVersion } from "./webhook-token";

/** One call to the webhook, as GET /_emulator/marketplace/webhooks lists it. */
export type Delivery = {
  at: string;
  operationId: string;
  action: OperationAction;
  /** How many calls this operation's notification has had, this one included. */
  attempt: number;
  /** The webhook's HTTP status; 0 when it could not be reached or did not answer in time. */
  status: number;
  forged?: Forgery;
  version: TokenVersion;
};

export type Answer = { status: number; body: string };

type Notification = {
  operation: Operation;
  /** Made once, when the operation was announced: every call sends the same notification. */
  payload: Record<string, unknown>;
  /** queued: waits for its next call (or, in manual delivery, for a test); done: acknowledged or given up. */
  state: "queued" | "sending" | "done";
  failures: number;
  retry?: NodeJS.Timeout;
};

const MAX_DELIVERIES = 1_000;
const CALL_TIMEOUT_MS = 10_000;
const BODY_LIMIT = 2_000;

/** The customer's change that waits for the publisher's answer (nothing has decided it yet). */
const awaitsPublisher = (operation: Operation) =>
  operation.source === "Azure" &&
  (operation.action === "ChangePlan" || operation.action === "ChangeQuantity") &&
  operation.status === "InProgress" &&
  operation.completesAt === undefined;

function announced(operation: Operation): boolean {
  if (operation.source === "Partner") return operation.action === "Unsubscribe" && operation.status === "Succeeded";
  if (operation.action === "ChangePlan" || operation.action === "ChangeQuantity") return awaitsPublisher(operation);
  return operation.status === "Succeeded";
}

export class Webhooks {
  private deliveries: Delivery[] = [];
  /** By operation id, in the order the notifications were made. */
  private readonly notifications = new Map<string, Notification>();
  /** Calls made so far, by operation id (forged ones too). */
  private readonly attempts = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly underway = new Set<AbortController>();
  /** Bumped by reset and stop: what was under way before must not touch what comes after. */
  private generation = 0;

  constructor(private readonly marketplace: Marketplace) {
    marketplace.onOperation = (operation) => this.observe(operation);
  }

  /** The log of calls (the last 1,000) and the notifications still waiting for one. */
  log(): { deliveries: Delivery[]; queued: { operationId: string; action: OperationAction }[] } {
    return {
      deliveries: this.deliveries,
      queued: [...this.notifications.values()]
        .filter((notification) => notification.state === "queued")
        .map(({ operation }) => ({ operationId: operation.id, action: operation.action })),
    };
  }

  /**
   * One call now, as a test asks. A forged one, or one for a notification that is not waiting,
   * changes nothing but the log; otherwise it is the notification's next call, with its effects.
   */
  async deliver(operation: Operation, options: { forge?: Forgery; version?: TokenVersion } = {}): Promise<Answer> {
    const version = options.version ?? "v2";
    const notification = this.notifications.get(operation.id);
    if (!options.forge && notification?.state === "queued") return this.attempt(notification, version);
    const subscription = this.marketplace.subscriptions.get(operation.subscriptionId)!;
    return this.post(operation, notification?.payload ?? webhookJson(operation, subscription), version, options.forge);
  }

  /** The waiting notifications, one call each, one after the other in the order they were made. */
  async flush(): Promise<{ operationId: string; action: OperationAction; status: number }[]> {
    const generation = this.generation;
    const sent: { operationId: string; action: OperationAction; status: number }[] = [];
    for (const notification of [...this.notifications.values()]) {
      if (generation !== this.generation) break;
      if (notification.state !== "queued") continue;
      const { status } = await this.attempt(notification, "v2");
      sent.push({ operationId: notification.operation.id, action: notification.operation.action, status });
    }
    return sent;
  }

  /** After the settings changed: back to "auto", what waited is sent. */
  settingsChanged(): void {
    if (this.marketplace.settings.webhookDelivery !== "auto") return;
    for (const notification of this.notifications.values()) {
      if (notification.state === "queued" && !notification.retry) this.schedule(notification, 0);
    }
  }

  reset(): void {
    this.stop();
    this.notifications.clear();
    this.attempts.clear();
    this.deliveries = [];
  }

  /** Ends every timer and every call under way. */
  stop(): void {
    this.generation++;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const call of this.underway) call.abort();
    this.underway.clear();
  }

  private observe(operation: Operation): void {
    if (operation.source === "Partner" && operation.action === "Unsubscribe" && operation.completesAt !== undefined) {
      // state.ts finishes it when something reads it; finish it on time, so it is announced on time.
      this.later(operation.completesAt - Date.now(), () => this.marketplace.settle());
      return;
    }
    if (!announced(operation) || this.notifications.has(operation.id)) return;
    const subscription = this.marketplace.subscriptions.get(operation.subscriptionId);
    const configuration = subscription && this.marketplace.technicalConfigurations.get(subscription.publisherId);
    if (!subscription || !configuration?.webhookUrl) {
      // Nobody to ask: the change goes through as if the publisher had acknowledged it.
      if (awaitsPublisher(operation)) operation.completesAt = Date.now() + this.marketplace.settings.webhookAcceptMs;
      return;
    }
    const notification: Notification = {
      operation,
      payload: webhookJson(operation, subscription),
      state: "queued",
      failures: 0,
    };
    this.notifications.set(operation.id, notification);
    if (this.marketplace.settings.webhookDelivery === "auto") this.schedule(notification, 0);
  }

  /** The notification's next call, and what its answer means. */
  private async attempt(notification: Notification, version: TokenVersion): Promise<Answer> {
    if (notification.retry) {
      clearTimeout(notification.retry);
      this.timers.delete(notification.retry);
      notification.retry = undefined;
    }
    notification.state = "sending";
    const generation = this.generation;
    const answer = await this.post(notification.operation, notification.payload, version);
    if (generation === this.generation) this.conclude(notification, answer.status);
    return answer;
  }

  /** 2xx: acknowledged. 4xx to a customer's change: its rejection (if not decided yet). Else: again later. */
  private conclude(notification: Notification, status: number): void {
    const { operation } = notification;
    const { settings } = this.marketplace;
    if (status >= 200 && status < 300) {
      notification.state = "done";
      if (awaitsPublisher(operation)) operation.completesAt = Date.now() + settings.webhookAcceptMs;
      return;
    }
    const change = operation.action === "ChangePlan" || operation.action === "ChangeQuantity";
    if (status >= 400 && status < 500 && change) {
      notification.state = "done";
      if (awaitsPublisher(operation))
        this.marketplace.finishOperation(operation, "Failed", `Rejected by the publisher's webhook (HTTP ${status}).`);
      return;
    }
    notification.failures++;
    notification.state = "queued";
    if (settings.webhookDelivery === "manual") return;
    const delay = settings.webhookRetryDelaysMs[notification.failures - 1];
    if (delay !== undefined) return this.schedule(notification, delay);
    notification.state = "done";
    if (awaitsPublisher(operation)) {
      this.marketplace.finishOperation(
        operation,
        "Failed",
        "The publisher's webhook never acknowledged the notification: the marketplace gave up.",
      );
    }
  }

  private schedule(notification: Notification, delayMs: number): void {
    notification.retry = this.later(delayMs, async () => {
      notification.retry = undefined;
      const auto = this.marketplace.settings.webhookDelivery === "auto";
      if (auto && notification.state === "queued") await this.attempt(notification, "v2");
    });
  }

  /** One POST to the webhook, logged; never throws (an unreachable webhook is status 0). */
  private async post(
    operation: Operation,
    payload: Record<string, unknown>,
    version: TokenVersion,
    forge?: Forgery,
  ): Promise<Answer> {
    const generation = this.generation;
    const attempt = (this.attempts.get(operation.id) ?? 0) + 1;
    this.attempts.set(operation.id, attempt);
    const subscription = this.marketplace.subscriptions.get(operation.subscriptionId);
    const configuration = subscription && this.marketplace.technicalConfigurations.get(subscription.publisherId);
    let answer: Answer = { status: 0, body: "The technical configuration has no webhook URL." };
    if (configuration?.webhookUrl) {
      const { entra } = this.marketplace;
      const otherTenantId =
        [...entra.directory.tenants.values()].find(
          (tenant) => !tenant.personal && tenant.id !== configuration.publisherTenantId,
        )?.id ?? "00000000-0000-0000-0000-000000000000";
      const token = await webhookToken({
        keys: entra.keys,
        issuerBase: entra.backUrl,
        configuration,
        version,
        forge,
        otherTenantId,
      });
      answer = await this.call(configuration.webhookUrl, payload, token);
    }
    if (generation !== this.generation) return answer;
    this.deliveries.push({
      at: new Date().toISOString(),
      operationId: operation.id,
      action: operation.action,
      attempt,
      status: answer.status,
      ...(forge ? { forged: forge } : {}),
      version,
    });
    if (this.deliveries.length > MAX_DELIVERIES) this.deliveries.splice(0, this.deliveries.length - MAX_DELIVERIES);
    return answer;
  }

  private async call(url: string, payload: Record<string, unknown>, token: string | undefined): Promise<Answer> {
    const abort = new AbortController();
    this.underway.add(abort);
    const timeout = setTimeout(() => abort.abort(), CALL_TIMEOUT_MS);
    try {
      const response = await fetch(url, {
        method: "POST",
        redirect: "manual",
        signal: abort.signal,
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(payload),
      });
      return { status: response.status, body: (await response.text()).slice(0, BODY_LIMIT) };
    } catch (error) {
      const cause = (error as Error).cause;
      return { status: 0, body: cause instanceof Error ? cause.message : String((error as Error).message ?? error) };
    } finally {
      clearTimeout(timeout);
      this.underway.delete(abort);
    }
  }

  /** A timer that reset and stop clear, and that keeps no process alive by itself. */
  private later(delayMs: number, run: () => unknown): NodeJS.Timeout {
    const generation = this.generation;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (generation !== this.generation) return;
        Promise.resolve()
          .then(run)
          .catch((error: unknown) => console.error("[marketplace-webhook]", error));
      },
      Math.max(0, delayMs),
    );
    timer.unref();
    this.timers.add(timer);
    return timer;
  }
}
