// How every call is sent (./transport.ts), seen through the client: the error for each status,
// retries with backoff and Retry-After, correlation ids, log lines without tokens, https only.
import { describe, expect, it } from "vitest";
import {
  MarketplaceAuthError,
  MarketplaceBadRequest,
  MarketplaceConflict,
  MarketplaceForbidden,
  MarketplaceNotFound,
  MarketplaceResponseInvalid,
  MarketplaceThrottled,
  MarketplaceUnavailable,
} from "./errors";
import { API_VERSION, createFulfillmentClient, retryAfterMs } from "./fulfillment";
import {
  BASE,
  BEARER,
  PURCHASE_TOKEN,
  SUBSCRIPTION,
  OPERATION,
  subscriptionBody,
  json,
  empty,
  type Sent,
  clientWith,
  failureOf,
} from "./test-support";

describe("typed errors", () => {
  const cases = [
    [400, MarketplaceBadRequest, 1],
    [401, MarketplaceForbidden, 1],
    [403, MarketplaceForbidden, 1],
    [404, MarketplaceNotFound, 1],
    [409, MarketplaceConflict, 1],
    [429, MarketplaceThrottled, 3],
    [500, MarketplaceUnavailable, 3],
    [503, MarketplaceUnavailable, 3],
    [302, MarketplaceResponseInvalid, 1],
  ] as const;

  for (const [status, type, requests] of cases) {
    it(`${status} is ${type.name} after ${requests} request(s)`, async () => {
      const { client, sent } = clientWith(Array.from({ length: 3 }, () => empty(status)));
      const error = (await failureOf(client.getSubscription(SUBSCRIPTION))) as InstanceType<typeof type>;
      expect(error).toBeInstanceOf(type);
      expect(error.status).toBe(status);
      expect(error.operation).toBe("getSubscription");
      expect(error.attempt).toBe(requests);
      const last = sent[sent.length - 1]!;
      expect(error.requestId).toBe(last.headers.get("x-ms-requestid"));
      expect(error.correlationId).toBe(last.headers.get("x-ms-correlationid"));
      expect(sent).toHaveLength(requests);
    });
  }
});

describe("retries", () => {
  it("backs off exponentially with jitter on 5xx, with a fresh request id and the same correlation id each time", async () => {
    const { client, sent, sleeps } = clientWith([empty(500), empty(502), empty(503), json(200, subscriptionBody())], {
      retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 250 },
      random: () => 0,
    });
    await client.getSubscription(SUBSCRIPTION);
    expect(sent).toHaveLength(4);
    // Ceilings 100, 200, 250 (capped); half fixed, half jitter (0 here).
    expect(sleeps).toEqual([50, 100, 125]);
    const requestIds = sent.map((request) => request.headers.get("x-ms-requestid"));
    expect(new Set(requestIds).size).toBe(4);
    expect(new Set(sent.map((request) => request.headers.get("x-ms-correlationid"))).size).toBe(1);
  });

  it("puts the jitter on top of half the delay", async () => {
    const { client, sleeps } = clientWith([empty(500), json(200, subscriptionBody())], {
      retry: { attempts: 2, baseDelayMs: 100, maxDelayMs: 1_000 },
      random: () => 0.999,
    });
    await client.getSubscription(SUBSCRIPTION);
    expect(sleeps).toEqual([100]);
  });

  it("waits what Retry-After asks on 429, up to the cap", async () => {
    const { client, sent, sleeps } = clientWith([empty(429, { "retry-after": "2" }), json(200, subscriptionBody())]);
    await client.getSubscription(SUBSCRIPTION);
    expect(sleeps).toEqual([2_000]);
    expect(sent).toHaveLength(2);
  });

  it("gives up at once when Retry-After is beyond the cap, saying when to come back", async () => {
    const later = new Date(Date.now() + 3_600_000).toUTCString();
    for (const retryAfter of ["120", later]) {
      const { client, sent, sleeps } = clientWith([empty(429, { "retry-after": retryAfter })]);
      const error = (await failureOf(client.getSubscription(SUBSCRIPTION))) as MarketplaceThrottled;
      expect(error).toBeInstanceOf(MarketplaceThrottled);
      expect(error.retryAfterMs).toBeGreaterThan(5_000);
      expect(sent).toHaveLength(1);
      expect(sleeps).toEqual([]);
    }
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(retryAfterMs("3")).toBe(3_000);
    expect(retryAfterMs("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(10_000);
    expect(retryAfterMs("soon")).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
  });

  it("turns a request with no answer in time into MarketplaceUnavailable (timeout), after retrying", async () => {
    const hang = (_sent: Sent, init: RequestInit) =>
      new Promise<Response>((_, reject) => {
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason));
      });
    const { client, sent, logs } = clientWith([hang, hang], {
      timeoutMs: 1,
      retry: { attempts: 2, baseDelayMs: 0, maxDelayMs: 0 },
    });
    const error = (await failureOf(client.getSubscription(SUBSCRIPTION))) as MarketplaceUnavailable;
    expect(error).toBeInstanceOf(MarketplaceUnavailable);
    expect(error.reason).toBe("timeout");
    expect(error.status).toBeNull();
    expect(sent).toHaveLength(2);
    expect(logs[0]).toContain("no answer within 1 ms");
  });

  it("turns a network failure into MarketplaceUnavailable (network), after retrying", async () => {
    const { client, sent } = clientWith([
      new TypeError("fetch failed"),
      new TypeError("fetch failed"),
      new TypeError("fetch failed"),
    ]);
    const error = (await failureOf(client.listOperations(SUBSCRIPTION))) as MarketplaceUnavailable;
    expect(error).toBeInstanceOf(MarketplaceUnavailable);
    expect(error.reason).toBe("network");
    expect(sent).toHaveLength(3);
  });

  it("does not repeat a plan change after a 5xx or a lost answer, only after 429 or a connection that never opened", async () => {
    const refused = new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }),
    });
    const reset = new TypeError("fetch failed", { cause: Object.assign(new Error("socket"), { code: "ECONNRESET" }) });

    const serverError = clientWith([empty(500)]);
    expect(await failureOf(serverError.client.changePlan(SUBSCRIPTION, "gold"))).toBeInstanceOf(MarketplaceUnavailable);
    expect(serverError.sent).toHaveLength(1);

    const lost = clientWith([reset]);
    expect(await failureOf(lost.client.changeQuantity(SUBSCRIPTION, 5))).toBeInstanceOf(MarketplaceUnavailable);
    expect(lost.sent).toHaveLength(1);

    const location = `${BASE}/saas/subscriptions/${SUBSCRIPTION}/operations/${OPERATION}?api-version=${API_VERSION}`;
    const retried = clientWith([empty(429), refused, empty(202, { "operation-location": location })]);
    await expect(retried.client.deleteSubscription(SUBSCRIPTION)).resolves.toMatchObject({ operationId: OPERATION });
    expect(retried.sent).toHaveLength(3);
  });
});

describe("correlation, tokens and logs", () => {
  it("sends the given correlation id on every request of the call and puts it on the error", async () => {
    const correlationId = "9a1f0b9e-3c2d-4e5f-8a7b-6c5d4e3f2a1b";
    const { client, sent } = clientWith([empty(500), empty(500), empty(500)]);
    const error = (await failureOf(client.getSubscription(SUBSCRIPTION, { correlationId }))) as MarketplaceUnavailable;
    expect(sent.map((request) => request.headers.get("x-ms-correlationid"))).toEqual([
      correlationId,
      correlationId,
      correlationId,
    ]);
    expect(error.correlationId).toBe(correlationId);
  });

  it("refuses a correlation id that could break a header", async () => {
    const { client, sent } = clientWith([]);
    expect(await failureOf(client.getSubscription(SUBSCRIPTION, { correlationId: "a\r\nb" }))).toBeInstanceOf(
      MarketplaceBadRequest,
    );
    expect(sent).toHaveLength(0);
  });

  it("logs one line per request with method, path, status and both ids, and never a token", async () => {
    const echo = json(400, {
      error: { code: "BadArgument", message: `Token ${PURCHASE_TOKEN} is invalid for ${BEARER}` },
    });
    const { client, sent, logs } = clientWith([empty(503), echo]);
    const error = (await failureOf(client.resolve(PURCHASE_TOKEN))) as MarketplaceBadRequest;

    expect(logs).toHaveLength(2);
    logs.forEach((line, index) => {
      expect(line).toContain("resolve: POST /saas/subscriptions/resolve");
      expect(line).toContain(`x-ms-requestid ${sent[index]!.headers.get("x-ms-requestid")}`);
      expect(line).toContain(`x-ms-correlationid ${sent[index]!.headers.get("x-ms-correlationid")}`);
    });
    expect(logs[0]).toContain("→ 503");
    expect(logs[1]).toContain("→ 400");
    expect(logs[1]).toContain("[redacted]");
    for (const text of [...logs, error.message, error.detail ?? "", JSON.stringify(error)]) {
      expect(text).not.toContain(PURCHASE_TOKEN);
      expect(text).not.toContain(BEARER);
      expect(text).not.toContain("purchase-identification-token");
    }
  });

  it("never logs a short purchase token echoed back either", async () => {
    const shortToken = "abc123";
    const { client, logs } = clientWith([json(400, { message: `bad token abc123` })]);
    const error = (await failureOf(client.resolve(shortToken))) as MarketplaceBadRequest;
    expect(error.detail).toBe("bad token [redacted]");
    expect(logs.join("\n")).not.toContain(shortToken);
  });

  it("passes on the fulfillment app's token failure without calling Microsoft", async () => {
    const refusal = new MarketplaceAuthError("refused", {
      code: "AADSTS7000215",
      failure: "invalid-secret",
      variable: "MARKETPLACE_CLIENT_SECRET",
    });
    const { client, sent } = clientWith([], {
      getToken: async () => {
        throw refusal;
      },
    });
    expect(await failureOf(client.getSubscription(SUBSCRIPTION))).toBe(refusal);

    const other = clientWith([], {
      getToken: async () => {
        throw new Error("boom");
      },
    });
    expect(await failureOf(other.client.getSubscription(SUBSCRIPTION))).toBeInstanceOf(MarketplaceAuthError);
    expect([...sent, ...other.sent]).toHaveLength(0);
  });

  it("sends the publisher's token only over https", () => {
    expect(() =>
      createFulfillmentClient({ baseUrl: "http://marketplace.test/api", getToken: async () => BEARER }),
    ).toThrow(/https/);
  });
});
