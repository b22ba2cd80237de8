// The fulfillment API's refusals: a status from Microsoft's documentation ("SaaS fulfillment
// Subscription APIs v2", "... Operations APIs v2") and a body { error: { code, message, target } }.

/** Thrown by an endpoint; the API's router answers it (with the request's ids) and logs it. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { error: { code: this.code, message: this.message, ...(this.target ? { target: this.target } : {}) } };
  }
}

export const refuse = {
  /** 400: validation failed (a token, a plan, a quantity, a status that does not allow it). */
  badRequest: (message: string, target?: string) => new ApiFailure(400, "BadArgument", message, target),
  /** 401: no bearer token, or one the emulator did not issue for the marketplace API. */
  unauthorized: (message: string) =>
    new ApiFailure(401, "Unauthorized", message, "authorization", {
      "www-authenticate": 'Bearer error="invalid_token"',
    }),
  /** 403: a valid token of an app that is not the fulfillment app of the offer's publisher. */
  forbidden: (message: string) => new ApiFailure(403, "Forbidden", message, "authorization"),
  notFound: (message: string, target = "subscriptionId") => new ApiFailure(404, "EntityNotFound", message, target),
  /** 409: another operation is in progress, or a newer one was fulfilled. */
  conflict: (message: string) => new ApiFailure(409, "Conflict", message),
};

/** What an injected fault answers with its status. */
export function faultFailure(status: number, retryAfterSeconds: number): ApiFailure {
  if (status === 429) {
    return new ApiFailure(
      429,
      "TooManyRequests",
      "Too many requests. Retry after the time Retry-After gives.",
      undefined,
      {
        "retry-after": String(retryAfterSeconds),
      },
    );
  }
  const code = status === 503 ? "ServiceUnavailable" : status >= 500 ? "InternalServerError" : "Fault";
  return new ApiFailure(status, code, `Injected fault: status ${status}. Retry the API call.`);
}
