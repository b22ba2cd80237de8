// HTTP plumbing shared by the emulator's faces. A face is a route handler that answers with a
// fetch `Response` (or an HTML page as a string); this module reads bodies, writes the answer to
// node's ServerResponse, turns thrown errors into responses and starts the listeners.
import type http from "node:http";
import type { AddressInfo } from "node:net";

/** An error that is already an HTTP answer: status, body and content type. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly contentType = "text/html; charset=utf-8",
  ) {
    super(`HTTP ${status}`);
  }
}

export type Handler = (request: http.IncomingMessage, url: URL, signal: AbortSignal) => Promise<Response | string>;

export type ListenerOptions = {
  /** Prefix of the log line for an unexpected error, e.g. "entra-emulator". */
  name: string;
  /** The face's own errors as responses; undefined leaves the error to the listener. */
  renderError?: (error: unknown) => Response | undefined;
};

export async function readBody(request: http.IncomingMessage, limit = 1024 * 1024): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, "Request body too large", "text/plain");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString();
}

/** A JSON request body as an object; anything else is a 400. An empty body is {}. */
export async function readJson(request: http.IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(request);
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, JSON.stringify({ error: "the body is not JSON" }), "application/json");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HttpError(400, JSON.stringify({ error: "the body must be a JSON object" }), "application/json");
  }
  return value as Record<string, unknown>;
}

/**
 * A control API request (/_emulator/...): it must carry `x-emulator-control: 1`, a header a
 * cross-site page cannot send without a CORS preflight, which is never granted.
 */
export function isControlRequest(request: http.IncomingMessage): boolean {
  return request.headers["x-emulator-control"] === "1";
}

/** Waits `ms`, or less if the request is abandoned (its connection closed). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Writes a handler's answer; a string is an HTML page. Nothing the emulator says is cached. */
export async function send(response: http.ServerResponse, result: Response | string): Promise<void> {
  if (typeof result === "string") {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    response.end(result);
    return;
  }
  const headers: Record<string, string | string[]> = { "cache-control": "no-store" };
  result.headers.forEach((value, name) => {
    headers[name] = value;
  });
  response.writeHead(result.status, headers);
  response.end(Buffer.from(await result.arrayBuffer()));
}

/** A node request listener around `handler`: an unexpected error is logged and answered 500. */
export function listener(handler: Handler, options: ListenerOptions): http.RequestListener {
  return (request, response) => {
    const url = new URL(request.url ?? "/", "http://emulator");
    const abort = new AbortController();
    response.on("close", () => abort.abort());
    handler(request, url, abort.signal)
      .catch((error: unknown) => {
        const rendered = options.renderError?.(error);
        if (rendered) return rendered;
        if (error instanceof HttpError)
          return new Response(error.body, { status: error.status, headers: { "content-type": error.contentType } });
        console.error(`[${options.name}]`, error);
        return new Response("Internal error", { status: 500, headers: { "content-type": "text/plain" } });
      })
      .then((result) => send(response, result))
      .catch(() => response.destroy());
  };
}

/** Listens on 127.0.0.1; port 0 picks a free one. Resolves to the port. */
export function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

/** Stops a server now, open connections included. */
export function close(server: http.Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
