// What the fulfillment client's tests share: a fake fetch that records each request and plays
// canned answers, a client on it whose waits and log lines are recorded, and documented bodies.
import { expect } from "vitest";
import { API_VERSION, createFulfillmentClient, type FulfillmentClientOptions } from "./fulfillment";

export const BASE = "https://marketplace.test/api";
export const BEARER = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.publisher-access-token-for-the-marketplace.signature";
export const PURCHASE_TOKEN = "AbCdEf0123456789+/purchase-identification-token==";
export const SUBSCRIPTION = "37f9dea2-4345-438f-b0bd-03d40d28c7e0";
export const OPERATION = "529f53ea-c2a2-4f5a-9c3e-3c1e2b0d4a5f";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A subscription as "Get subscription" documents it, plus a field Microsoft might add. */
export function subscriptionBody(extra: Record<string, unknown> = {}) {
  return {
    id: SUBSCRIPTION,
    name: "Contoso Cloud Solution",
    publisherId: "contoso",
    offerId: "offer1",
    planId: "silver",
    quantity: 10,
    beneficiary: {
      emailId: "test@contoso.com",
      objectId: "<guid>",
      tenantId: "b9e8c6a1-0d5e-4c1f-8a2b-3c4d5e6f7a8b",
      puid: "1",
    },
    purchaser: {
      emailId: "test@test.com",
      objectId: "<guid>",
      tenantId: "b9e8c6a1-0d5e-4c1f-8a2b-3c4d5e6f7a8b",
      puid: "1",
    },
    allowedCustomerOperations: ["Read", "Update", "Delete"],
    sessionMode: "None",
    isFreeTrial: false,
    autoRenew: true,
    isTest: false,
    sandboxType: "None",
    created: "2022-03-01T22:59:45.5468572Z",
    lastModified: "0001-01-01T00:00:00",
    saasSubscriptionStatus: " Subscribed ",
    term: { startDate: "2022-03-04T00:00:00Z", endDate: "2022-04-03T00:00:00Z", termUnit: "P1M" },
    ...extra,
  };
}

export function operationBody(extra: Record<string, unknown> = {}) {
  return {
    id: OPERATION,
    activityId: "c6d3b7a0-1f2e-4d3c-8b4a-5e6f7a8b9c0d",
    subscriptionId: SUBSCRIPTION,
    offerId: "offer1",
    publisherId: "contoso",
    planId: "silver",
    quantity: "20",
    action: "ChangePlan",
    timeStamp: "2018-12-01T00:00:00",
    status: "InProgress",
    errorStatusCode: "",
    errorMessage: "",
    ...extra,
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

export function empty(status: number, headers: Record<string, string> = {}): Response {
  return new Response(null, { status, headers });
}

export type Sent = { url: URL; method: string; headers: Headers; body: unknown; redirect?: RequestRedirect };
type Answer = Response | Error | ((sent: Sent, init: RequestInit) => Response | Promise<Response>);

/** A fetch that records each request and plays the answers in order. */
function fakeFetch(...answers: Answer[]) {
  const sent: Sent[] = [];
  const fetch: typeof globalThis.fetch = async (input, init = {}) => {
    const request: Sent = {
      url: new URL(String(input)),
      method: init.method ?? "GET",
      headers: new Headers(init.headers),
      body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
      redirect: init.redirect,
    };
    sent.push(request);
    const answer = answers.shift();
    if (!answer) throw new Error("the test gave no answer for this request");
    if (answer instanceof Error) throw answer;
    return typeof answer === "function" ? answer(request, init) : answer;
  };
  return { fetch, sent };
}

/** A client on a fake fetch whose waits are recorded, never slept. */
export function clientWith(answers: Answer[], options: Partial<FulfillmentClientOptions> = {}) {
  const { fetch, sent } = fakeFetch(...answers);
  const logs: string[] = [];
  const sleeps: number[] = [];
  const client = createFulfillmentClient({
    baseUrl: BASE,
    getToken: async () => BEARER,
    fetch,
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 5_000 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    log: { info: (line: string) => logs.push(line), warn: (line: string) => logs.push(line) },
    ...options,
  });
  return { client, sent, logs, sleeps };
}

export async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

export function expectStandardRequest(request: Sent | undefined, method: string, path: string) {
  expect(request).toBeDefined();
  expect(request!.method).toBe(method);
  expect(request!.url.origin + request!.url.pathname).toBe(`${BASE}${path}`);
  expect(request!.url.searchParams.get("api-version")).toBe(API_VERSION);
  expect(request!.headers.get("authorization")).toBe(`Bearer ${BEARER}`);
  expect(request!.headers.get("content-type")).toBe("application/json");
  expect(request!.headers.get("x-ms-requestid")).toMatch(GUID);
  expect(request!.headers.get("x-ms-correlationid")).toMatch(GUID);
  expect(request!.redirect).toBe("manual");
}
