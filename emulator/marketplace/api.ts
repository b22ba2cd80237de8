// The SaaS Fulfillment API v2 on the back channel, at <back url>/marketplace/api: what every call
// goes through before its endpoint (subscriptions.ts, operations.ts) answers it. In order: the
// request's ids (x-ms-requestid and x-ms-correlationid echoed, or made), a fault a test asked for,
// ?api-version=2018-08-31 (else 400), the publisher's bearer token (auth.ts: 401 / 403); then the
// endpoint; then one line in the call log that tests read (GET /_emulator/marketplace/calls).
import { randomUUID } from "node:crypto";
import type http from "node:http";
import { pause, readBody, type Handler } from "../http";
import { authenticatePublisher, type Caller } from "./auth";
import { ApiFailure, faultFailure, refuse } from "./errors";
import { meteringRoutes } from "./metering";
import { operationRoutes } from "./operations";
import { API_VERSION, MARKETPLACE_API_PATH, type Marketplace } from "./state";
import { subscriptionRoutes } from "./subscriptions";

export type ApiContext = {
  marketplace: Marketplace;
  caller: Caller;
  /** The path's captures: the subscription id, then the operation id. */
  params: string[];
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** What the call log names, when the path does not (resolve). */
  log: { subscriptionId?: string; operationId?: string };
};

export type Route = {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: RegExp;
  endpoint: (context: ApiContext) => Response | Promise<Response>;
};

const routes: Route[] = [...subscriptionRoutes, ...operationRoutes, ...meteringRoutes];

/** A request id as given, if it is safe to send back in a header; else a fresh GUID. */
function requestIdHeader(value: string | string[] | undefined): string {
  return typeof value === "string" && /^[\x21-\x7e]{1,128}$/.test(value) ? value : randomUUID();
}

/** A path segment, URL-decoded when it can be (a malformed escape stays as sent: no such id). */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

async function jsonBody(request: http.IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(request, 64 * 1024);
  if (!text.trim()) return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw refuse.badRequest("The request body is not a JSON object.", "body");
}

async function answer(
  marketplace: Marketplace,
  request: http.IncomingMessage,
  url: URL,
  path: string,
  log: ApiContext["log"],
  signal: AbortSignal,
): Promise<Response> {
  const method = request.method ?? "GET";
  const fault = marketplace.takeFault(method, path);
  if (fault) {
    await pause(fault.delayMs, signal);
    if (fault.status) throw Object.assign(faultFailure(fault.status, fault.retryAfterSeconds), { injected: true });
  }
  if (url.searchParams.get("api-version") !== API_VERSION) {
    throw refuse.badRequest(`The api-version query parameter must be ${API_VERSION}.`, "api-version");
  }
  const caller = await authenticatePublisher(marketplace, request.headers.authorization);
  for (const route of routes) {
    const match = route.method === method ? path.match(route.path) : null;
    if (!match) continue;
    const body = method === "POST" || method === "PATCH" ? await jsonBody(request) : {};
    return route.endpoint({
      marketplace,
      caller,
      params: match.slice(1).map((part) => decoded(part).toLowerCase()),
      query: url.searchParams,
      headers: request.headers,
      body,
      log,
    });
  }
  throw refuse.notFound(`${method} ${path} is not an API of the SaaS Fulfillment API v2.`, "path");
}

export function fulfillmentHandler(marketplace: Marketplace): Handler {
  return async (request, url, signal) => {
    const path = url.pathname.slice(MARKETPLACE_API_PATH.length) || "/";
    const requestId = requestIdHeader(request.headers["x-ms-requestid"]);
    const correlationId = requestIdHeader(request.headers["x-ms-correlationid"]);
    const log: ApiContext["log"] = {};
    let response: Response;
    let injected = false;
    marketplace.settle();
    try {
      response = await answer(marketplace, request, url, path, log, signal);
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      injected = (error as { injected?: boolean }).injected === true;
      response = Response.json(error.body(), { status: error.status, headers: error.headers });
    }
    const headers = new Headers(response.headers);
    headers.set("x-ms-requestid", requestId);
    headers.set("x-ms-correlationid", correlationId);
    const ids = path.match(/^\/saas\/subscriptions\/([^/]+)(?:\/operations\/([^/]+))?/);
    const named = ids?.[1] && ids[1] !== "resolve" ? ids[1].toLowerCase() : undefined;
    marketplace.recordCall({
      at: new Date().toISOString(),
      method: request.method ?? "GET",
      path,
      status: response.status,
      subscriptionId: log.subscriptionId ?? named,
      operationId: log.operationId ?? ids?.[2]?.toLowerCase(),
      requestId,
      correlationId,
      ...(injected ? { fault: true } : {}),
    });
    return new Response(response.body, { status: response.status, headers });
  };
}
