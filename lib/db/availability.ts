// Whether the database answers, as this process last saw it (issue "Many instances": the
// database down mid-traffic). While it is down, proxy.ts answers the pages that need it with
// 503 "temporarily unavailable" at once, instead of letting each one wait for a connection and
// fail; a probe (one SELECT 1, at most one per second, one at a time) brings it back, so the same
// process serves normally again without a restart.
//
// Shared through globalThis: the proxy and the routes are separate bundles of one process.
// Losing this state is safe: it is rebuilt by the next query (README "In-memory caches").

/** Set by proxy.ts on every page request: the path and query it asked for (lib/db/outage-redirect.ts). */
export const REQUEST_PATH_HEADER = "x-app-request-path";

/** How long "down" holds before a probe may lift it: a request redirected to itself meets it. */
export const PROBE_INTERVAL_MS = 1_000;

type Availability = {
  /** What a request does on meeting the database down (lib/db/outage-redirect.ts: a page redirects to itself). */
  onUnavailable?: () => Promise<void>;
  down: boolean;
  /** When "down" was last confirmed (a failure, a failed probe). */
  downAt: number;
  probing?: Promise<void>;
  /** SELECT 1 through the app's pool; set by lib/db/client.ts. */
  probe?: () => Promise<void>;
};

const shared = globalThis as unknown as { databaseAvailability?: Availability };

function state(): Availability {
  shared.databaseAvailability ??= { down: false, downAt: 0 };
  return shared.databaseAvailability;
}

export function setDatabaseProbe(probe: () => Promise<void>): void {
  state().probe = probe;
}

export function setUnavailableHandler(handler: () => Promise<void>): void {
  state().onUnavailable = handler;
}

/**
 * Every query's failure passes here (lib/db/client.ts): a database that cannot be reached marks
 * this process's state down, and the request's handler may answer for it (a page: the 503).
 */
export async function databaseFailed(error: unknown): Promise<void> {
  if (!isDatabaseUnavailable(error)) return;
  markDatabaseDown();
  await state().onUnavailable?.();
}

export function markDatabaseDown(): void {
  const current = state();
  if (!current.down) console.warn("[db] the database is not answering: pages answer 503 until it does");
  current.down = true;
  current.downAt = Date.now();
}

export function markDatabaseUp(): void {
  const current = state();
  if (current.down) console.info("[db] the database answers again");
  current.down = false;
}

/**
 * True while the database is known to be down. Asking also starts a probe when the last failure is
 * older than PROBE_INTERVAL_MS (in the background: the caller answers 503 now).
 */
export function databaseIsDown(now = Date.now()): boolean {
  const current = state();
  if (!current.down) return false;
  if (!current.probing && current.probe && now - current.downAt >= PROBE_INTERVAL_MS) {
    current.probing = current
      .probe()
      .then(markDatabaseUp, markDatabaseDown)
      .finally(() => (current.probing = undefined));
  }
  return true;
}

// PostgreSQL's SQLSTATE classes for "the server cannot serve you now": 08 connection exception,
// 53300 too many connections, 57P01-57P03 shutting down or starting.
const UNAVAILABLE_SQLSTATE = /^(08...|53300|57P0[123])$/;
// Prisma's driver adapter kinds and engine codes for the same (P1001 unreachable, P1017 closed).
const UNAVAILABLE_KINDS = new Set(["ConnectionClosed", "DatabaseNotReachable", "SocketTimeout", "TooManyConnections"]);
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const UNAVAILABLE_NODE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EPIPE",
  "ENOTFOUND",
]);
// node-postgres: the pool's wait for a connection, a connection dropped or never made.
const UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Server has closed the connection|Can't reach database server|connection timeout/i;

/** Whether `error` means the database could not be reached (not a bug, not bad data). */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 5) return false;
  const candidate = error as {
    code?: unknown;
    kind?: unknown;
    message?: unknown;
    cause?: unknown;
    meta?: { driverAdapterError?: unknown };
    name?: unknown;
  };
  if (candidate.name === "PrismaClientInitializationError") return true;
  if (typeof candidate.code === "string") {
    if (UNAVAILABLE_SQLSTATE.test(candidate.code)) return true;
    if (UNAVAILABLE_PRISMA_CODES.has(candidate.code) || UNAVAILABLE_NODE_CODES.has(candidate.code)) return true;
  }
  if (typeof candidate.kind === "string" && UNAVAILABLE_KINDS.has(candidate.kind)) return true;
  if (typeof candidate.message === "string" && UNAVAILABLE_MESSAGES.test(candidate.message)) return true;
  return (
    isDatabaseUnavailable(candidate.cause, depth + 1) ||
    isDatabaseUnavailable(candidate.meta?.driverAdapterError, depth + 1)
  );
}
