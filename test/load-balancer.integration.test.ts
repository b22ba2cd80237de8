import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startLoadBalancer, type LoadBalancer } from "./load-balancer";

// Two tiny backends that say who they are and echo what reached them.
type Backend = { url: string; close(): Promise<void> };

async function startBackend(name: string): Promise<Backend> {
  const server = http.createServer(async (request, response) => {
    const url = new URL(request.url!, "http://backend");
    if (url.pathname === "/redirect") {
      response.writeHead(302, { location: "/elsewhere" }).end();
      return;
    }
    if (url.pathname === "/cookies") {
      response
        .writeHead(
          200,
          [
            ["set-cookie", "a=1; Path=/"],
            ["set-cookie", "b=2; Path=/"],
          ].flat(),
        )
        .end("two");
      return;
    }
    if (url.pathname === "/stream") {
      // Headers and a first part now, the rest when the client asks for it.
      response.writeHead(200, { "content-type": "text/plain" });
      response.write("first;");
      request.on("data", (chunk: Buffer) => response.end(`then ${chunk.toString()}`));
      return;
    }
    let body = "";
    for await (const chunk of request) body += chunk;
    response.writeHead(200, { "content-type": "application/json", "x-backend": name });
    response.end(JSON.stringify({ name, host: request.headers.host, method: request.method, body, url: request.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

let a: Backend;
let b: Backend;
let balancer: LoadBalancer;
beforeAll(async () => {
  [a, b] = await Promise.all([startBackend("a"), startBackend("b")]);
  balancer = await startLoadBalancer(0, [a.url, b.url]);
});
afterAll(async () => {
  await balancer?.close();
  await Promise.all([a?.close(), b?.close()]);
});
afterEach(() => {
  balancer.setRoute();
  balancer.clearLog();
});

const answerOf = async (path: string, init?: RequestInit) =>
  (await fetch(`${balancer.url}${path}`, init)).json() as Promise<{ name: string; host: string; body: string }>;

describe("the test's load balancer", () => {
  it("takes the backends in turn by default, and logs who served what", async () => {
    const names = [];
    for (const path of ["/one", "/two?x=1", "/three"]) names.push((await answerOf(path)).name);
    expect(names).toHaveLength(3);
    expect(new Set(names)).toEqual(new Set(["a", "b"]));
    expect(names[0]).not.toBe(names[1]);
    expect(names[2]).toBe(names[0]);
    expect(balancer.log().map(({ method, path, status }) => [method, path, status])).toEqual([
      ["GET", "/one", 200],
      ["GET", "/two?x=1", 200],
      ["GET", "/three", 200],
    ]);
    expect(balancer.log().map((entry) => ["a", "b"][entry.backend])).toEqual(names);
  });

  it("routes as the test says, and forgets its log when told", async () => {
    balancer.setRoute((request) => (request.url!.startsWith("/b/") ? 1 : 0));
    expect((await answerOf("/b/x")).name).toBe("b");
    expect((await answerOf("/a/x")).name).toBe("a");
    expect((await answerOf("/b/y")).name).toBe("b");
    expect(balancer.log().map((entry) => entry.backend)).toEqual([1, 0, 1]);
    balancer.clearLog();
    expect(balancer.log()).toEqual([]);
  });

  it("keeps the Host header and the body, and passes a redirect back without following it", async () => {
    balancer.setRoute(() => 1);
    const posted = await answerOf("/echo", { method: "POST", body: "x".repeat(100_000) });
    expect(posted).toMatchObject({ name: "b", host: new URL(balancer.url).host });
    expect(posted.body).toHaveLength(100_000);
    const redirect = await fetch(`${balancer.url}/redirect`, { redirect: "manual" });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toBe("/elsewhere");
    const cookies = await fetch(`${balancer.url}/cookies`);
    expect(cookies.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
  });

  it("streams: the backend's first part arrives before the client has sent all of its body", async () => {
    const { hostname, port } = new URL(balancer.url);
    const text = await new Promise<string>((resolve, reject) => {
      const request = http.request({ host: hostname, port, method: "POST", path: "/stream" }, (response) => {
        let received = "";
        response.on("data", (chunk: Buffer) => {
          received += chunk.toString();
          // The first part came while the request was still open: now send the rest.
          if (received === "first;") request.end("more");
        });
        response.on("end", () => resolve(received));
      });
      request.on("error", reject);
      request.flushHeaders();
      request.write("");
    });
    expect(text).toBe("first;then more");
  });

  it("answers 502 for a backend that is gone, and logs it", async () => {
    const gone = await startBackend("gone");
    await gone.close();
    const lonely = await startLoadBalancer(0, [gone.url]);
    try {
      const response = await fetch(`${lonely.url}/anything`);
      expect(response.status).toBe(502);
      expect(lonely.log()).toEqual([{ method: "GET", path: "/anything", backend: 0, status: 502 }]);
    } finally {
      await lonely.close();
    }
  });
});
