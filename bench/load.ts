// Request load with autocannon: 20 connections for BENCH_SECONDS, after a 2-second warm-up.
import autocannon from "autocannon";
import { seconds } from "./setup";

export type Figures = { requestsPerSecond: number; p50Ms: number; p99Ms: number; errors: number; non2xx: number };

const CONNECTIONS = 20;

export async function load(
  url: string,
  headers: Record<string, string> = {},
  options: { duration?: number; warmUp?: boolean } = {},
): Promise<Figures> {
  if (options.warmUp !== false) await autocannon({ url, connections: 10, duration: 2, headers });
  const result = await autocannon({ url, connections: CONNECTIONS, duration: options.duration ?? seconds, headers });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

const round = (value: number) => Math.round(value * 100) / 100;

/** Two measurements of one route, as one: throughput and latencies averaged, failures added. */
function combine(a: Figures, b: Figures): Figures {
  return {
    requestsPerSecond: Math.round((a.requestsPerSecond + b.requestsPerSecond) / 2),
    p50Ms: round((a.p50Ms + b.p50Ms) / 2),
    p99Ms: round((a.p99Ms + b.p99Ms) / 2),
    errors: a.errors + b.errors,
    non2xx: a.non2xx + b.non2xx,
  };
}

export type RequestCost = {
  /** GET /api/live: a constant answer, the framework's floor. */
  floor: Figures;
  /** GET /api/health: one SELECT 1. */
  health: Figures;
  /** GET /api/tenant: the gate's one indexed query, then the answer. */
  gated: Figures;
  gatedOverFloor: number;
  healthOverFloor: number;
};

/**
 * The cost of a request, in three steps on the same server, under the same load and with the
 * same headers (the session cookie on all three): the framework's floor, one query, the gate.
 * Each route is measured twice, for half the time, in the order floor, health, gated, gated,
 * health, floor: a machine that slows down or speeds up during the run moves all three alike.
 */
export async function requestCost(base: string, headers: Record<string, string>): Promise<RequestCost> {
  const routes = { floor: "/api/live", health: "/api/health", gated: "/api/tenant" } as const;
  const order = ["floor", "health", "gated", "gated", "health", "floor"] as const;
  for (const path of Object.values(routes)) {
    const check = await fetch(`${base}${path}`, { headers });
    await check.body?.cancel();
    if (check.status !== 200) throw new Error(`GET ${path} answered ${check.status}`);
  }
  const half = Math.max(2, Math.round(seconds / 2));
  const first: Partial<Record<keyof typeof routes, Figures>> = {};
  const both: Partial<Record<keyof typeof routes, Figures>> = {};
  for (const name of order) {
    const figures = await load(`${base}${routes[name]}`, headers, { duration: half, warmUp: !first[name] });
    if (first[name]) both[name] = combine(first[name]!, figures);
    else first[name] = figures;
  }
  const { floor, health, gated } = both as Record<keyof typeof routes, Figures>;
  return {
    floor,
    health,
    gated,
    gatedOverFloor: round(gated.requestsPerSecond / floor.requestsPerSecond),
    healthOverFloor: round(health.requestsPerSecond / floor.requestsPerSecond),
  };
}
