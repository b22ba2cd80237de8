// How the fulfillment client talks to the SaaS Fulfillment API v2: one request, its headers, its
// deadline, its retries and its log line; the answer checked against a schema of ./schemas.
//
// Every request: ?api-version=2018-08-31, `Authorization: Bearer` with the fulfillment app's
// token, a fresh GUID `x-ms-requestid`, the call's `x-ms-correlationid` (given, or a fresh GUID
// shared by the call's retries and pages), `content-type: application/json`. One log line per
// request, with both ids and never a token. Each attempt has its own deadline.
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { fetchWithDeadline } from "../deadline";
import {
  MarketplaceAuthError,
  MarketplaceBadRequest,
  MarketplaceError,
  MarketplaceResponseInvalid,
  MarketplaceThrottled,
  MarketplaceUnavailable,
  errorForStatus,
  redactedDetail,
} from "./errors";

export const API_VERSION = "2018-08-31";

export type RetryOptions = {
  /** Tries in all, the first included. */
  attempts: number;
  /** The first backoff; doubled each retry, with jitter, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * The longest 429 Retry-After the client waits. Longer asks end the call with
   * MarketplaceThrottled (and its retryAfterMs): retrying sooner would only be throttled again.
   */
  maxRetryAfterMs: number;
};

export type MarketplaceLogger = Pick<Console, "info" | "warn">;

export type TransportOptions = {
  /** The API's base, e.g. https://marketplaceapi.microsoft.com/api (MarketplaceConfig.apiUrl). */
  baseUrl: string;
  /** The fulfillment app's access token (./publisher-token.ts); asked for on every attempt. */
  getToken: () => Promise<string>;
  fetch?: typeof fetch;
  retry?: Partial<RetryOptions>;
  /** Deadline of each attempt (default 10 s). */
  timeoutMs?: number;
  log?: MarketplaceLogger;
  /** Waits between attempts; tests pass one that records and returns at once. */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). */
  random?: () => number;
};

export type CallOptions = {
  /** Ties this call to an operation of ours (e.g. the webhook's activityId); default: a fresh GUID. */
  correlationId?: string;
};

const DEFAULT_RETRY: RetryOptions = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 30_000 };
const DEFAULT_TIMEOUT_MS = 10_000;

/** Connection errors that prove the request never reached Microsoft: safe to send again. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]);

type Method = "GET" | "POST" | "PATCH" | "DELETE";

/**
 * `idempotent`: sending the request twice does no harm, so 5xx, timeouts and network failures
 * are retried as well as 429. `once`: a second PATCH or DELETE after a lost answer could meet
 * its own first effect (409, or 400 "same plan"), so only 429 and connections that never
 * opened are retried: Microsoft did not act on those.
 */
type RetryPolicy = "idempotent" | "once";

type Request = {
  operation: string;
  method: Method;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  retry: RetryPolicy;
  correlationId: string;
  /** Values to keep out of error details (the purchase token). */
  secrets?: string[];
};

export type Answer = {
  status: number;
  headers: Headers;
  text: string;
  requestId: string;
  correlationId: string;
  attempt: number;
};

/** Retry-After in ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown })?.name;
  return name === "TimeoutError" || name === "AbortError";
}

function neverSent(error: unknown): boolean {
  const code = (error as { cause?: { code?: unknown } })?.cause?.code;
  return typeof code === "string" && NOT_SENT.has(code);
}

/** The call's x-ms-correlationid: the one given (header-safe only), else a fresh GUID. */
export function correlationOf(operation: string, callOptions: CallOptions | undefined): string {
  const given = callOptions?.correlationId;
  if (given === undefined) return randomUUID();
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(given)) {
    throw new MarketplaceBadRequest(
      { operation, status: null, requestId: null, correlationId: null },
      "the correlation id must be a GUID or similar (letters, digits, . _ -)",
    );
  }
  return given;
}

export type Transport = ReturnType<typeof createTransport>;

export function createTransport(options: TransportOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  // The publisher's bearer token goes to this URL: https only.
  if (!URL.canParse(baseUrl) || new URL(baseUrl).protocol !== "https:") {
    throw new Error("createFulfillmentClient: baseUrl must be an https:// URL");
  }
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
  const attempts = Math.max(1, Math.floor(retry.attempts));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const fetchImpl = options.fetch ?? fetch;
  const log = options.log ?? console;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;

  /** Exponential backoff with jitter: half the doubled delay fixed, half random. */
  function backoff(attempt: number): number {
    const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
  }

  function logLine(request: Request, outcome: string, requestId: string, attempt: number, started: number): string {
    const ms = Math.round(performance.now() - started);
    return `[marketplace] ${request.operation}: ${request.method} ${request.path} → ${outcome} in ${ms} ms (attempt ${attempt}/${attempts}, x-ms-requestid ${requestId}, x-ms-correlationid ${request.correlationId})`;
  }

  async function token(request: Request): Promise<string> {
    try {
      return await options.getToken();
    } catch (error) {
      if (error instanceof MarketplaceAuthError) throw error;
      throw new MarketplaceAuthError(
        "The marketplace fulfillment app's token could not be had; marketplace calls fail until it can.",
        { code: null, failure: "unreachable", variable: null, correlationId: request.correlationId },
      );
    }
  }

  /** One request: the answer of a success, else the error it is (never thrown here, but the token's). */
  async function attemptOnce(
    request: Request,
    url: URL,
    attempt: number,
  ): Promise<{ answer: Answer } | { failure: MarketplaceError; neverSent?: boolean }> {
    const requestId = randomUUID();
    const bearer = await token(request);
    const context = { operation: request.operation, requestId, correlationId: request.correlationId, attempt };
    const started = performance.now();
    try {
      // fetchWithDeadline, not AbortSignal.timeout(): its timer is cleared when the call ends
      // (lib/deadline.ts says why that matters for memory).
      const response = await fetchWithDeadline(
        url,
        {
          method: request.method,
          headers: {
            authorization: `Bearer ${bearer}`,
            "content-type": "application/json",
            "x-ms-requestid": requestId,
            "x-ms-correlationid": request.correlationId,
            ...request.headers,
          },
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          // The API does not redirect: a redirect is an undocumented answer, never followed with the token.
          redirect: "manual",
        },
        timeoutMs,
        fetchImpl,
      );
      const text = await response.text();
      const { status } = response;
      const after = status === 429 ? retryAfterMs(response.headers.get("retry-after")) : null;
      const detail = redactedDetail(text, [...(request.secrets ?? []), bearer]);
      const failure = errorForStatus(status, { ...context, detail }, after);
      if (failure) {
        log.warn(`${logLine(request, String(status), requestId, attempt, started)}${detail ? `: ${detail}` : ""}`);
        return { failure };
      }
      log.info(logLine(request, String(status), requestId, attempt, started));
      return {
        answer: { status, headers: response.headers, text, requestId, correlationId: request.correlationId, attempt },
      };
    } catch (error) {
      const reason = isTimeout(error) ? "timeout" : "network";
      const outcome = reason === "timeout" ? `no answer within ${timeoutMs} ms` : "network error";
      log.warn(logLine(request, outcome, requestId, attempt, started));
      return { failure: new MarketplaceUnavailable({ ...context, status: null }, reason), neverSent: neverSent(error) };
    }
  }

  /** How long to wait before trying again after `failure`; null: do not. */
  function retryDelay(request: Request, failure: MarketplaceError, neverSent: boolean, attempt: number): number | null {
    if (failure instanceof MarketplaceThrottled) {
      // 429: Microsoft did not act on the request, whatever it was.
      if (failure.retryAfterMs === null) return backoff(attempt);
      return failure.retryAfterMs <= retry.maxRetryAfterMs ? failure.retryAfterMs : null;
    }
    if (!(failure instanceof MarketplaceUnavailable)) return null;
    return request.retry === "idempotent" || neverSent ? backoff(attempt) : null;
  }

  async function send(request: Request): Promise<Answer> {
    const url = new URL(`${baseUrl}${request.path}`);
    for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
    url.searchParams.set("api-version", API_VERSION);

    for (let attempt = 1; ; attempt++) {
      const outcome = await attemptOnce(request, url, attempt);
      if ("answer" in outcome) return outcome.answer;
      const wait = retryDelay(request, outcome.failure, outcome.neverSent ?? false, attempt);
      if (wait === null || attempt >= attempts) throw outcome.failure;
      await sleep(wait);
    }
  }

  function parse<T extends z.ZodType>(schema: T, answer: Answer, operation: string, empty?: unknown): z.infer<T> {
    const context = {
      operation,
      status: answer.status,
      requestId: answer.requestId,
      correlationId: answer.correlationId,
      attempt: answer.attempt,
    };
    let body: unknown;
    if (!answer.text.trim() && empty !== undefined) {
      body = empty;
    } else {
      try {
        body = JSON.parse(answer.text);
      } catch {
        throw new MarketplaceResponseInvalid(context, ["the body is not JSON"]);
      }
    }
    const result = schema.safeParse(body);
    if (!result.success) {
      // Paths and expectations only: zod's messages do not repeat values.
      const issues = result.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`);
      log.warn(
        `[marketplace] ${operation}: the answer is not of the documented shape (${issues.slice(0, 3).join("; ")}), x-ms-requestid ${answer.requestId}`,
      );
      throw new MarketplaceResponseInvalid(context, issues);
    }
    return result.data;
  }

  return { send, parse };
}
