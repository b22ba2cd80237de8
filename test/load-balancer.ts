// A test's own HTTP load balancer: one public port in front of several instances of the app, as a
// real deployment has (Azure Front Door, an App Service plan scaled out, a Kubernetes service).
// It passes each request on unchanged (the Host header too, bodies streamed both ways, redirects
// handed back to the client, not followed) to the instance the test's routing picks, and logs
// which instance served what, so a test can pin a step to an instance and prove it was.
import http from "node:http";
import type { AddressInfo } from "node:net";

/** Picks the backend (its index) for a request; the default takes them in turn. */
export type Route = (request: http.IncomingMessage) => number;

export type Served = {
  method: string;
  /** The request target: path and query. */
  path: string;
  /** The backend's index. */
  backend: number;
  /** The backend's status; 502 when it could not be reached; undefined while it has not answered. */
  status?: number;
};

export type LoadBalancer = {
  /** The public URL: http://localhost:<port>. */
  url: string;
  /** Routes every request from now on with `route`; without one, in turn again. */
  setRoute(route?: Route): void;
  /** The requests passed on since the start or the last clearLog(), oldest first. */
  log(): readonly Served[];
  clearLog(): void;
  close(): Promise<void>;
};

// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection: each side makes its own.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

function endToEnd(raw: string[]): string[] {
  const named = new Set(
    raw.flatMap((value, index) =>
      index % 2 === 1 && raw[index - 1]!.toLowerCase() === "connection"
        ? value.split(",").map((name) => name.trim().toLowerCase())
        : [],
    ),
  );
  const kept: string[] = [];
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index]!.toLowerCase();
    if (!HOP_BY_HOP.has(name) && !named.has(name)) kept.push(raw[index]!, raw[index + 1]!);
  }
  return kept;
}

/** Listens on `port` (0: any free one) of every local address, in front of `backends` (URLs). */
export async function startLoadBalancer(port: number, backends: readonly string[]): Promise<LoadBalancer> {
  if (backends.length === 0) throw new Error("a load balancer needs at least one backend");
  const targets = backends.map((backend) => new URL(backend));
  let turn = 0;
  const inTurn: Route = () => turn++ % targets.length;
  let route = inTurn;
  let served: Served[] = [];
  // A connection per request: a kept-alive one that the backend closes as it idles out would fail
  // the next request with "socket hang up", a failure of the test's balancer, not of the app.
  const agent = new http.Agent({ keepAlive: false });

  const server = http.createServer((request, response) => {
    const backend = route(request);
    const target = targets[backend];
    const entry: Served = { method: request.method ?? "GET", path: request.url ?? "/", backend };
    served.push(entry);
    if (!target) {
      entry.status = 502;
      response.writeHead(502, { "content-type": "text/plain" }).end(`no backend ${backend}`);
      return;
    }
    const forwardedFor = [request.headers["x-forwarded-for"], request.socket.remoteAddress].filter(Boolean).join(", ");
    const upstream = http.request({
      agent,
      host: target.hostname,
      port: target.port,
      method: request.method,
      path: request.url,
      // Raw pairs: the Host header and repeated headers arrive as the client sent them.
      headers: [...endToEnd(request.rawHeaders), "x-forwarded-for", forwardedFor],
    });
    upstream.on("response", (answer) => {
      entry.status = answer.statusCode;
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.rawHeaders));
      answer.pipe(response);
      answer.on("error", () => response.destroy());
    });
    upstream.on("error", (error) => {
      if (response.headersSent) return void response.destroy();
      entry.status = 502;
      response.writeHead(502, { "content-type": "text/plain" }).end(`backend ${backend}: ${error.message}`);
    });
    // The client went away before the answer was complete: so does the call to the backend.
    response.on("close", () => {
      if (!response.writableFinished) upstream.destroy();
    });
    // The backend sees the request at once, not when its body's first bytes come.
    upstream.flushHeaders();
    request.pipe(upstream);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // Both loopback addresses: a browser may resolve localhost to either.
    server.listen(port, "::", () => resolve());
  });
  const { port: listening } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${listening}`,
    setRoute: (next) => {
      route = next ?? inTurn;
    },
    log: () => served,
    clearLog: () => {
      served = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
