// Sign-ins in `npm run bench` (issue "the cost of a request"): complete first sign-ins of new
// tenants per second, through the local Entra ID emulator, then returning sign-ins of people
// already admitted, then the gate's own request; the same three loads in several rounds on one
// fresh server, reading its resident memory after each round (once it has settled), to see
// whether it keeps growing. The server runs as deployed, with the emulator in a process of its own.
import { randomBytes } from "node:crypto";
import { emulatorControl } from "../e2e/support/emulator-control";
import { startEmulatorProcess } from "../e2e/support/emulator-process";
import { sessionCookie } from "../lib/auth/session";
import { load, type Figures } from "./load";
import { cpuMs, peakRssMb, rssNow } from "./proc";
import { seconds, startBenchServer } from "./setup";
import { CookieJar, signIn, type DirectoryAccount } from "../test/sign-in-client";

export type SignInFigures = {
  signIns: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
  /** The server's CPU time (user and system) per completed sign-in. */
  serverCpuMs: number;
  /** The first failure's reason, if any. */
  failure?: string;
};

export type Round = {
  first: SignInFigures;
  returning: SignInFigures;
  gated: Figures;
  /** After the round and a settle: resident memory, its anonymous part (heaps), and the peak so far. */
  rssMb: number;
  anonMb: number;
  peakRssMb: number;
};

export type SignInResults = {
  virtualUsers: number;
  secondsPerLoad: number;
  settleSeconds: number;
  /** Resident memory of the server just started, before any sign-in. */
  startRssMb: number;
  rounds: Round[];
  /** Resident memory after the last round's settle, minus after the first's. */
  rssGrowthMb: number;
  /** Least-squares slope of the settled memory over the last 4 rounds, MB per round: ~0 is no growth. */
  rssSlopeMbPerRound: number;
  peakRssMb: number;
  /** People in the emulator's directory at the end (its account picker lists them all). */
  directoryAccounts: number;
};

const VIRTUAL_USERS = 6;
const ROUNDS = 6;
const SETTLE_MS = 5_000;

/** Least-squares slope of `values` against their index (MB per round). */
export function slope(values: number[]): number {
  const n = values.length;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((sum, value) => sum + value, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((value, index) => {
    num += (index - meanX) * (value - meanY);
    den += (index - meanX) ** 2;
  });
  return den ? Math.round((num / den) * 10) / 10 : 0;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : 0;

/**
 * Sign-ins by VIRTUAL_USERS browsers at once, each starting the next as soon as its last one is
 * on the dashboard, until `durationS` is over (or no account is left to take).
 */
async function drive(
  serverPid: number,
  durationS: number,
  take: () => DirectoryAccount | undefined,
  work: (account: DirectoryAccount, jar: CookieJar) => Promise<void>,
): Promise<SignInFigures> {
  const durations: number[] = [];
  let failed = 0;
  let failure: string | undefined;
  const cpuBefore = cpuMs(serverPid);
  const started = performance.now();
  const deadline = started + durationS * 1000;
  await Promise.all(
    Array.from({ length: VIRTUAL_USERS }, async () => {
      const jar = new CookieJar();
      while (performance.now() < deadline) {
        const account = take();
        if (!account) break;
        const begin = performance.now();
        try {
          await work(account, jar);
          durations.push(performance.now() - begin);
        } catch (error) {
          failed++;
          failure ??= (error as Error).message;
        }
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  const cpu = cpuMs(serverPid) - cpuBefore;
  durations.sort((a, b) => a - b);
  return {
    signIns: durations.length,
    perSecond: Math.round((durations.length / elapsedS) * 10) / 10,
    p50Ms: Math.round(percentile(durations, 0.5)),
    p99Ms: Math.round(percentile(durations, 0.99)),
    failed,
    serverCpuMs: durations.length ? Math.round(cpu / durations.length) : 0,
    ...(failure ? { failure } : {}),
  };
}

/** `count` new directory tenants with one person each (user consent allowed, as by default). */
async function newTenants(control: ReturnType<typeof emulatorControl>, count: number): Promise<DirectoryAccount[]> {
  const create = async (): Promise<DirectoryAccount> => {
    const label = randomBytes(5).toString("hex");
    const tenantName = `Bench ${label}`;
    const tenant = await control("tenants", {
      displayName: tenantName,
      domains: [`bench-${label}.example`],
      initialDomain: `bench${label}.onmicrosoft.com`,
    });
    const { id: tenantId } = tenant.json as { id: string };
    const user = await control("users", {
      tenantId,
      name: `Person ${label}`,
      username: `person@bench-${label}.example`,
    });
    if (tenant.status !== 200 || user.status !== 200)
      throw new Error(`adding a tenant failed: ${JSON.stringify(user.json)}`);
    return { tenantId, oid: (user.json as { oid: string }).oid, tenantName };
  };
  const accounts: DirectoryAccount[] = [];
  while (accounts.length < count) {
    accounts.push(...(await Promise.all(Array.from({ length: Math.min(8, count - accounts.length) }, create))));
  }
  return accounts;
}

export async function measureSignIns(
  databaseUrl: string,
  options: { dir: string; port: number },
): Promise<SignInResults> {
  const base = `http://localhost:${options.port}`;
  const emulator = await startEmulatorProcess(options.port, base);
  const control = emulatorControl(options.port);
  try {
    const server = await startBenchServer(options.dir, options.port, {
      ...emulator.settings,
      DATABASE_URL: databaseUrl,
    });
    try {
      const pid = server.process.pid!;
      /** Everyone admitted so far, the least recently signed in first. */
      const admitted: DirectoryAccount[] = [];
      const first = (account: DirectoryAccount, jar: CookieJar) =>
        signIn(base, account, "first", jar).then(() => void admitted.push(account));
      const returning = (account: DirectoryAccount, jar: CookieJar) =>
        signIn(base, account, "returning", jar).then(() => void admitted.push(account));
      const fromList = (list: DirectoryAccount[]) => () => list.shift();

      // Warm-up (the server's code paths, the emulator's discovery, keys and Graph), out of the figures.
      const startRssMb = rssNow(pid).rssMb;
      const warm = await drive(pid, 60, fromList(await newTenants(control, 2 * VIRTUAL_USERS)), first);
      const warmAgain = await drive(pid, 60, fromList(admitted.splice(0)), returning);
      const failure = warm.failure ?? warmAgain.failure;
      if (failure) throw new Error(`a warm-up sign-in failed: ${failure}`);
      // The gate's load with the session of a real sign-in.
      const jar = new CookieJar();
      await signIn(base, admitted.at(-1)!, "returning", jar);
      const { name } = sessionCookie(base);
      const cookie = `${name}=${jar.get(new URL(base), name)}`;

      let rate = Math.max(warm.perSecond, 1);
      /** Directory tenants nobody signed in with yet (the emulator's account picker lists them all). */
      const fresh: DirectoryAccount[] = [];
      const rounds: Round[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        console.info(`--- sign-ins, round ${round + 1} of ${ROUNDS}`);
        // Enough new tenants for 1.5 times the last rate; the load ends early if they run out.
        const wanted = Math.ceil(rate * seconds * 1.5) + 2 * VIRTUAL_USERS;
        fresh.push(...(await newTenants(control, Math.max(0, wanted - fresh.length))));
        const firstFigures = await drive(pid, seconds, fromList(fresh), first);
        rate = Math.max(firstFigures.perSecond, 1);
        const returningFigures = await drive(pid, seconds, fromList(admitted), returning);
        const gated = await load(`${base}/api/tenant`, { cookie }, { warmUp: round === 0 });
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        rounds.push({
          first: firstFigures,
          returning: returningFigures,
          gated,
          ...rssNow(pid),
          peakRssMb: peakRssMb(pid),
        });
        console.info(JSON.stringify(rounds.at(-1)));
      }
      const { accounts } = (await control("directory")).json as { accounts: unknown[] };
      return {
        virtualUsers: VIRTUAL_USERS,
        secondsPerLoad: seconds,
        settleSeconds: SETTLE_MS / 1000,
        startRssMb,
        rounds,
        rssGrowthMb: rounds.at(-1)!.rssMb - rounds[0]!.rssMb,
        rssSlopeMbPerRound: slope(rounds.slice(-4).map((round) => round.rssMb)),
        peakRssMb: peakRssMb(pid),
        directoryAccounts: accounts.length,
      };
    } finally {
      await server.stop();
    }
  } finally {
    await emulator.stop();
  }
}
