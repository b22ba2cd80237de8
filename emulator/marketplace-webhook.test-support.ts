// What the webhook tests share: a stand-in for the app's connection webhook (a local HTTP server
// that records each call and answers as told), registered as the publisher's webhookUrl, and the
// calls that drive the local marketplace's webhook deliveries.
import http from "node:http";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { control } from "@/test/entra-emulator";
import { PUBLISHER_TENANT_ID } from "./directory";
import { close, listen } from "./http";
import { fulfillmentApp, fulfillmentClient, LANDING_PAGE, ok } from "./marketplace.test-support";
import type { RunningEmulator } from "./server";

export type Received = {
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** The bearer token, if the call had one. */
  token?: string;
};

export type Receiver = {
  url: string;
  received: Received[];
  /** The statuses of the next answers, in turn; once used up, 200. */
  answers: number[];
  /** The calls received, once there are at least `count` (fails after `timeoutMs`). */
  next(count: number, timeoutMs?: number): Promise<Received[]>;
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until `check` is true (polling), or fails with `what` after `timeoutMs`: a bound that
 * catches a hang, far above what a busy machine needs.
 */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/**
 * A webhook receiver for the file, registered as the publisher's webhookUrl (after the technical
 * configuration of withMarketplace), emptied before each test.
 */
export function withWebhookReceiver(emulator: () => RunningEmulator): Receiver {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const authorization = request.headers.authorization;
      receiver.received.push({
        headers: request.headers,
        body: JSON.parse(Buffer.concat(chunks).toString() || "{}") as Record<string, unknown>,
        token: authorization?.startsWith("Bearer ") ? authorization.slice("Bearer ".length) : undefined,
      });
      const status = receiver.answers.shift() ?? 200;
      response.writeHead(status, { "content-type": "text/plain" });
      response.end(status < 300 ? "ok" : `answered ${status}`);
    });
  });
  const receiver: Receiver = {
    url: "",
    received: [],
    answers: [],
    async next(count, timeoutMs = 30_000) {
      await until(() => receiver.received.length >= count, `${count} webhook call(s)`, timeoutMs);
      return receiver.received;
    },
  };
  beforeAll(async () => {
    receiver.url = `http://127.0.0.1:${await listen(server, 0)}/api/marketplace/webhook`;
    await ok(
      control(emulator(), "marketplace/technical-configuration", {
        publisherTenantId: PUBLISHER_TENANT_ID,
        fulfillmentClientId: fulfillmentApp.clientId,
        landingPageUrl: LANDING_PAGE,
        webhookUrl: receiver.url,
      }),
    );
  });
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.answers.length = 0;
  });
  afterAll(() => close(server));
  return receiver;
}

export type Delivery = {
  operationId: string;
  action: string;
  attempt: number;
  status: number;
  forged?: string;
  version: string;
};

export async function deliveries(emulator: RunningEmulator): Promise<Delivery[]> {
  return (await webhookLog(emulator)).deliveries;
}

/** What the local marketplace has delivered, and what it still means to deliver. */
export async function webhookLog(
  emulator: RunningEmulator,
): Promise<{ deliveries: Delivery[]; queued: { operationId: string; action: string }[] }> {
  return (await ok(control(emulator, "marketplace/webhooks"))) as {
    deliveries: Delivery[];
    queued: { operationId: string; action: string }[];
  };
}

export const settings = (emulator: RunningEmulator, values: Record<string, unknown>) =>
  ok(control(emulator, "marketplace/settings", values));

/** POST /_emulator/marketplace/subscriptions/<id>/<action> as given, answered as is. */
export function customer(emulator: RunningEmulator, subscriptionId: string, action: string, body: unknown = {}) {
  return control(emulator, `marketplace/subscriptions/${subscriptionId}/${action}`, body);
}

/** The operation id of a customer's change, renewal or cancellation (which must be accepted). */
export async function customerOperation(
  emulator: RunningEmulator,
  subscriptionId: string,
  action: string,
  body: unknown = {},
): Promise<string> {
  return ((await ok(customer(emulator, subscriptionId, action, body))) as { operationId: string }).operationId;
}

/** A status set as Microsoft sets it (Suspended, Subscribed, Unsubscribed): its operation id. */
export async function setStatus(emulator: RunningEmulator, subscriptionId: string, status: string): Promise<string> {
  return ((await ok(customer(emulator, subscriptionId, "status", { status }))) as { operationId: string }).operationId;
}

/** A client of the fulfillment API, as the app has one. */
export const publisher = (emulator: RunningEmulator) => fulfillmentClient(emulator);
