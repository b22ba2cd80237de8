// A stand-in for Azure App Service's front end: it ends TLS for the app's public host name and
// passes requests to the app over plain HTTP, keeping the Host header, setting X-Forwarded-Proto
// and X-Forwarded-For, and passing on whatever X-Forwarded-Host the client sent (App Service
// does not strip it). The certificate is the emulator's, for localhost.
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";

export type TlsFrontEnd = { url: string; close(): Promise<void> };

export async function startTlsFrontEnd(port: number, appPort: number, tlsDir: string): Promise<TlsFrontEnd> {
  const server = https.createServer(
    {
      cert: readFileSync(path.join(tlsDir, "localhost.pem")),
      key: readFileSync(path.join(tlsDir, "localhost-key.pem")),
    },
    (request, response) => {
      const upstream = http.request(
        {
          host: "127.0.0.1",
          port: appPort,
          method: request.method,
          path: request.url,
          headers: {
            ...request.headers,
            "x-forwarded-proto": "https",
            "x-forwarded-for": request.socket.remoteAddress ?? "",
            "x-arr-ssl": "2048|256|CN=Local CA|CN=localhost",
          },
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on("error", () => {
        response.writeHead(502).end();
      });
      request.pipe(upstream);
    },
  );
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `https://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
