// A TCP proxy in front of a database that a test can cut, stall, slow down and restore: "the
// database stopped", "the network drops packets", "the database is slow".
import net from "node:net";

export type TcpProxy = {
  /** The database URL, reaching the database through the proxy. */
  url: string;
  /** Drops every open connection and refuses new ones, like a database that went away. */
  cut(): void;
  /** Keeps every connection open and silent, old and new, like a network that drops packets. */
  stall(): void;
  /** Holds each answer of the database this long before passing it on (0: none). */
  slowDown(ms: number): void;
  restore(): void;
  /** Connections opened through the proxy so far. */
  readonly connections: number;
  /** Messages the app has sent towards the database so far (forwarded or not). */
  readonly sent: number;
  close(): Promise<void>;
};

export async function startTcpProxy(databaseUrl: string): Promise<TcpProxy> {
  const url = new URL(databaseUrl);
  const target = { host: url.hostname, port: Number(url.port || 5432) };
  let mode: "open" | "cut" | "stall" = "open";
  let delayMs = 0;
  let connections = 0;
  let sent = 0;
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  };

  const server = net.createServer((client) => {
    if (mode === "cut") {
      client.destroy();
      return;
    }
    track(client);
    client.on("error", () => client.destroy());
    if (mode === "stall") return; // accepted, and never answered
    connections += 1;
    const upstream = net.connect(target.port, target.host);
    track(upstream);
    const both = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on("error", both);
    client.on("error", both);
    client.on("close", both);
    upstream.on("close", both);
    client.on("data", (chunk) => {
      sent += 1;
      if (mode === "open") upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (mode !== "open") return;
      if (delayMs > 0) setTimeout(() => client.writable && client.write(chunk), delayMs);
      else client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url.hostname = "127.0.0.1";
  url.port = String((server.address() as net.AddressInfo).port);
  const cut = () => {
    mode = "cut";
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: url.toString(),
    cut,
    stall: () => {
      mode = "stall";
    },
    slowDown: (ms) => {
      delayMs = ms;
    },
    restore: () => {
      mode = "open";
      delayMs = 0;
    },
    get connections() {
      return connections;
    },
    get sent() {
      return sent;
    },
    close: () => {
      cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
