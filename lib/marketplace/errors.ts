// Every way a call to the SaaS Fulfillment API v2 can fail, one class each, so a caller decides
// with `instanceof` (the landing page shows "we couldn't identify this purchase" for a
// MarketplaceBadRequest from resolve; the operator console shows MarketplaceAuthError).
// Status codes as documented in "SaaS fulfillment Subscription APIs v2" and "... Operations APIs
// v2". Each error carries the x-ms-requestid and x-ms-correlationid of the request that failed
// (Microsoft support asks for them). Messages never hold a token, a secret or a response body:
// Microsoft's own words go, redacted, into `detail`.

/** What a failed call was and which of its requests failed. */
export type MarketplaceErrorContext = {
  /** The client method: resolve, activate, getSubscription, ... */
  operation: string;
  /** The HTTP status of the answer; null when there was none (timeout, network, refused locally). */
  status: number | null;
  requestId: string | null;
  correlationId: string | null;
  /** Which try of the call this was (1 for the first). */
  attempt?: number;
  /** Microsoft's explanation from the answer's body, with anything token-like removed. */
  detail?: string;
};

export abstract class MarketplaceError extends Error {
  abstract readonly kind: string;
  readonly operation: string;
  readonly status: number | null;
  readonly requestId: string | null;
  readonly correlationId: string | null;
  readonly attempt: number;
  readonly detail?: string;

  constructor(message: string, context: MarketplaceErrorContext) {
    super(message);
    this.operation = context.operation;
    this.status = context.status;
    this.requestId = context.requestId;
    this.correlationId = context.correlationId;
    this.attempt = context.attempt ?? 1;
    this.detail = context.detail;
  }
}

/**
 * 400: validation failed. For resolve: the purchase token is missing, malformed, invalid,
 * expired or already used; for activate: the plan or quantity is not the purchased one, or the
 * subscription is already Subscribed or Suspended. Also thrown, with status null, for input the
 * client refuses to send (an empty token, an id that is not a GUID).
 */
export class MarketplaceBadRequest extends MarketplaceError {
  readonly kind = "bad-request";
  constructor(context: MarketplaceErrorContext, reason?: string) {
    super(
      reason
        ? `${context.operation}: not sent to the marketplace: ${reason}`
        : `${context.operation}: the marketplace refused the request as invalid (400)`,
      context,
    );
    this.name = "MarketplaceBadRequest";
  }
}

/**
 * 403 (and 401): the publisher's token is invalid or expired, or the subscription is of an offer
 * published with another Entra app ID than the one the token was issued to (another publisher's
 * offer, or a technical configuration that names another app).
 */
export class MarketplaceForbidden extends MarketplaceError {
  readonly kind = "forbidden";
  constructor(context: MarketplaceErrorContext) {
    super(
      `${context.operation}: the marketplace refused the publisher's token (${context.status}): the fulfillment app is not the offer's, or its token is not valid`,
      context,
    );
    this.name = "MarketplaceForbidden";
  }
}

/** 404: no such subscription (or operation); activate answers 404 for an Unsubscribed one. */
export class MarketplaceNotFound extends MarketplaceError {
  readonly kind = "not-found";
  constructor(context: MarketplaceErrorContext) {
    super(`${context.operation}: the marketplace has no such subscription or operation (404)`, context);
    this.name = "MarketplaceNotFound";
  }
}

/** 409: another operation is in progress on the subscription, or a newer update was fulfilled. */
export class MarketplaceConflict extends MarketplaceError {
  readonly kind = "conflict";
  constructor(context: MarketplaceErrorContext) {
    super(
      `${context.operation}: conflict (409): another operation is in progress or a newer one was fulfilled`,
      context,
    );
    this.name = "MarketplaceConflict";
  }
}

/** 429 after the retries, or with a Retry-After longer than the client will wait. */
export class MarketplaceThrottled extends MarketplaceError {
  readonly kind = "throttled";
  /** What Retry-After asked for, when it said. */
  readonly retryAfterMs: number | null;
  constructor(context: MarketplaceErrorContext, retryAfterMs: number | null) {
    super(
      `${context.operation}: throttled by the marketplace (429)${retryAfterMs === null ? "" : `, retry after ${Math.ceil(retryAfterMs / 1000)} s`}`,
      context,
    );
    this.name = "MarketplaceThrottled";
    this.retryAfterMs = retryAfterMs;
  }
}

/** 5xx, a timeout or a network failure, after the retries. */
export class MarketplaceUnavailable extends MarketplaceError {
  readonly kind = "unavailable";
  readonly reason: "server" | "timeout" | "network";
  constructor(context: MarketplaceErrorContext, reason: "server" | "timeout" | "network") {
    const what =
      reason === "server"
        ? `answered ${context.status}`
        : reason === "timeout"
          ? "did not answer in time"
          : "could not be reached";
    super(`${context.operation}: the marketplace API ${what}`, context);
    this.name = "MarketplaceUnavailable";
    this.reason = reason;
  }
}

/** A success whose body is not of the documented shape, or an undocumented status. */
export class MarketplaceResponseInvalid extends MarketplaceError {
  readonly kind = "response-invalid";
  /** Where the answer differs, as `path: expectation` (never the values). */
  readonly issues: string[];
  constructor(context: MarketplaceErrorContext, issues: string[]) {
    super(`${context.operation}: unexpected answer from the marketplace: ${issues.slice(0, 3).join("; ")}`, context);
    this.name = "MarketplaceResponseInvalid";
    this.issues = issues;
  }
}

/** Why Entra ID gave no token to the fulfillment app (see ./publisher-token.ts). */
export type MarketplaceAuthFailure =
  | "invalid-secret"
  | "expired-secret"
  | "unknown-app"
  | "disabled-app"
  | "invalid-certificate"
  | "unknown-tenant"
  | "refused"
  | "unreachable";

/**
 * The fulfillment app's token could not be had. `refused`: Entra ID said no (AADSTS7000215
 * wrong secret, AADSTS7000222 expired secret, AADSTS700016 unknown app, ...): nothing works until
 * `variable` is fixed. Otherwise Entra ID could not be reached, which may pass.
 */
export class MarketplaceAuthError extends MarketplaceError {
  readonly kind = "auth";
  /** AADSTS<number> when Entra ID gave one. */
  readonly code: string | null;
  readonly failure: MarketplaceAuthFailure;
  readonly refused: boolean;
  /** The setting to fix, for the operator. */
  readonly variable: string | null;
  constructor(
    message: string,
    details: {
      code: string | null;
      failure: MarketplaceAuthFailure;
      variable: string | null;
      correlationId?: string | null;
    },
  ) {
    super(message, {
      operation: "token",
      status: null,
      requestId: null,
      correlationId: details.correlationId ?? null,
    });
    this.name = "MarketplaceAuthError";
    this.code = details.code;
    this.failure = details.failure;
    this.refused = details.failure !== "unreachable";
    this.variable = details.variable;
  }
}

/** The error for an answer's status; null for a success. */
export function errorForStatus(
  status: number,
  context: Omit<MarketplaceErrorContext, "status">,
  retryAfterMs: number | null = null,
): MarketplaceError | null {
  const withStatus = { ...context, status };
  if (status >= 200 && status < 300) return null;
  if (status === 400) return new MarketplaceBadRequest(withStatus);
  if (status === 401 || status === 403) return new MarketplaceForbidden(withStatus);
  if (status === 404) return new MarketplaceNotFound(withStatus);
  if (status === 409) return new MarketplaceConflict(withStatus);
  if (status === 429) return new MarketplaceThrottled(withStatus, retryAfterMs);
  if (status >= 500) return new MarketplaceUnavailable(withStatus, "server");
  return new MarketplaceResponseInvalid(withStatus, [`undocumented status ${status}`]);
}

/** Runs of 32+ token characters: access tokens, purchase tokens, secrets. GUIDs (with dashes, 36) survive. */
const TOKEN_LIKE = /[A-Za-z0-9+/=_.~-]{32,}/g;

/**
 * Microsoft's explanation from an error body (`error.message`, `message`, or the text), short,
 * with anything token-like and each of `secrets` removed: it goes into logs.
 */
export function redactedDetail(body: string, secrets: string[] = []): string | undefined {
  let detail = body.trim();
  if (!detail) return undefined;
  try {
    const json = JSON.parse(detail) as { error?: { code?: unknown; message?: unknown }; message?: unknown };
    const message = json.error?.message ?? json.message;
    const code = json.error?.code;
    if (typeof message === "string") detail = typeof code === "string" ? `${code}: ${message}` : message;
  } catch {
    // Not JSON: keep the text.
  }
  for (const secret of secrets) if (secret) detail = detail.split(secret).join("[redacted]");
  detail = detail.replace(TOKEN_LIKE, (run) => (/^[0-9a-f-]{36}$/i.test(run) ? run : "[redacted]"));
  detail = detail.replace(/\s+/g, " ");
  return detail.length > 300 ? `${detail.slice(0, 300)}…` : detail;
}
