import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TenantKeySets, verifyEntraIdToken } from "./id-token";

const base = "https://login.example";
const clientId = "3f0c5a9e-6b1d-4e2f-9a8c-7d6e5f4a3b21";
const contoso = "4a1e9b5c-2f3d-4c8a-9e6b-1d2c3b4a5f60";
const fabrikam = "5b2f0c6d-3e4a-4d9b-8f7c-2e3d4c5b6a71";

type SigningKey = { kid: string; privateKey: CryptoKey; publicJwk: JWK };
type Fault = "500" | "html" | "slow" | "not-a-key-set";

async function newKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, use: "sig" } };
}

/**
 * A stand-in for Entra's discovery documents and key set, as `fetch` sees them: it counts the
 * fetches, rotates its key, and breaks (an outage of discovery or of the key set) on demand.
 */
async function authority() {
  let keys = [await newKey("key-1")];
  const fetches = { discovery: 0, jwks: 0 };
  const faults: { discovery?: Fault; jwks?: Fault } = {};
  const answer = (fault: Fault | undefined, body: unknown, signal?: AbortSignal | null) => {
    switch (fault) {
      case "500":
        return Response.json({ error: "temporarily_unavailable" }, { status: 500 });
      case "html":
        return new Response("<html><body>Service unavailable</body></html>", {
          headers: { "content-type": "text/html" },
        });
      case "not-a-key-set":
        return Response.json({ keys: "none" });
      case "slow": // never answers: only the caller's timeout ends the wait
        return new Promise<Response>((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason)));
      default:
        return Response.json(body);
    }
  };
  vi.stubGlobal("fetch", async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const [, tid, version, kind] = url.pathname.split("/");
    if (version === "v2.0" && kind === ".well-known") {
      fetches.discovery++;
      const issuer = `${base}/${tid}/v2.0`;
      return answer(faults.discovery, { issuer, jwks_uri: `${base}/${tid}/discovery/v2.0/keys` }, init?.signal);
    }
    fetches.jwks++;
    return answer(faults.jwks, { keys: keys.map((key) => key.publicJwk) }, init?.signal);
  });
  return {
    fetches,
    faults,
    /** The abrupt rotation: a new key signs from now on, the old one is no longer published. */
    async rotate() {
      keys = [await newKey(`key-${fetches.jwks}-${Date.now()}-${Math.random()}`)];
    },
    /** A sound ID token of Megan's, signed by the active key (or one that claims `kid`). */
    idToken(tid = contoso, kid?: string) {
      const now = Math.floor(Date.now() / 1000);
      const key = keys[0]!;
      return new SignJWT({ tid, oid: "0a7c1f2e-1b3d-4e5f-8a9b-0c1d2e3f4a02", nonce: "n", name: "Megan Bowen" })
        .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: kid ?? key.kid })
        .setIssuer(`${base}/${tid}/v2.0`)
        .setAudience(clientId)
        .setSubject("megan")
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .sign(key.privateKey);
    },
  };
}

const verify = async (keySets: TenantKeySets, token: string | Promise<string>) =>
  verifyEntraIdToken(await token, { clientId, authorityBase: base, keySets });

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("the tenants' key sets kept in memory", () => {
  it("are bounded: a stranger naming ever new tenants cannot grow them", async () => {
    vi.stubGlobal("fetch", async (url: string) => {
      const tid = new URL(url).pathname.split("/")[1];
      return Response.json({ issuer: `${base}/${tid}/v2.0`, jwks_uri: `${base}/${tid}/discovery/v2.0/keys` });
    });
    const sets = new TenantKeySets(base, 30_000, 50);
    for (let index = 0; index < 500; index++) {
      await sets.keySet(`00000000-0000-4000-8000-${String(index).padStart(12, "0")}`);
    }
    expect(sets.size).toBe(50);
  });
});

describe("a signing key rotated while the app runs", () => {
  it("is accepted at once, right after a sign-in fetched the key set, with one more fetch", async () => {
    const entra = await authority();
    const keySets = new TenantKeySets(base, 30_000);
    await expect(verify(keySets, entra.idToken())).resolves.toMatchObject({ name: "Megan Bowen" });
    expect(entra.fetches.jwks).toBe(1);

    await entra.rotate(); // abrupt: the old key is gone from the set
    await expect(verify(keySets, entra.idToken())).resolves.toMatchObject({ name: "Megan Bowen" });
    expect(entra.fetches.jwks).toBe(2);
    await expect(verify(keySets, entra.idToken())).resolves.toBeDefined(); // and kept: no more fetches
    expect(entra.fetches.jwks).toBe(2);
  });

  it("is fetched once for many sign-ins at the same moment, and all of them succeed", async () => {
    const entra = await authority();
    const keySets = new TenantKeySets(base, 30_000);
    await verify(keySets, entra.idToken());
    await entra.rotate();
    const tokens = await Promise.all(Array.from({ length: 10 }, () => entra.idToken()));
    const results = await Promise.allSettled(tokens.map((token) => verify(keySets, token)));
    expect(results.map((result) => result.status)).toEqual(Array(10).fill("fulfilled"));
    expect(entra.fetches.jwks).toBe(2);
  });

  it("is refused when the key set cannot be had then, and accepted once it can", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const entra = await authority();
    const keySets = new TenantKeySets(base, 30_000);
    await verify(keySets, entra.idToken());
    await entra.rotate();
    entra.faults.jwks = "500";
    await expect(verify(keySets, entra.idToken())).rejects.toMatchObject({ reason: "key-set-unavailable" });
    expect(entra.fetches.jwks).toBe(2);
    delete entra.faults.jwks;
    // A failed fetch counts too, so a down authority is not hammered: within the cooldown since
    // it, the key is still refused, without a fetch; after it, accepted.
    await expect(verify(keySets, entra.idToken())).rejects.toMatchObject({ reason: "unknown-key" });
    expect(entra.fetches.jwks).toBe(2);
    vi.advanceTimersByTime(30_001);
    await expect(verify(keySets, entra.idToken())).resolves.toBeDefined();
    expect(entra.fetches.jwks).toBe(3);
  });
});

describe("kids nobody published", () => {
  const bogus = (entra: Awaited<ReturnType<typeof authority>>, tid = contoso) =>
    entra.idToken(tid, `bogus-${Math.random()}`);

  it("cost the authority one fetch per tenant per cooldown, counted from the last fetch made for one", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const entra = await authority();
    const keySets = new TenantKeySets(base, 30_000);
    await verify(keySets, entra.idToken());
    expect(entra.fetches.jwks).toBe(1);

    for (let index = 0; index < 20; index++) {
      await expect(verify(keySets, bogus(entra))).rejects.toMatchObject({ reason: "unknown-key" });
    }
    expect(entra.fetches.jwks).toBe(2); // the first bogus kid fetched again, the others did not

    vi.advanceTimersByTime(29_000);
    await expect(verify(keySets, bogus(entra))).rejects.toMatchObject({ reason: "unknown-key" });
    expect(entra.fetches.jwks).toBe(2);

    vi.advanceTimersByTime(1_001); // the cooldown since the last fetch for a bogus kid is over
    for (let index = 0; index < 20; index++) {
      await expect(verify(keySets, bogus(entra))).rejects.toMatchObject({ reason: "unknown-key" });
    }
    expect(entra.fetches.jwks).toBe(3);
  });

  it("spend their tenant's fetch only: another tenant still takes a rotated key at once", async () => {
    const entra = await authority();
    const keySets = new TenantKeySets(base, 30_000);
    await verify(keySets, entra.idToken(contoso));
    await verify(keySets, entra.idToken(fabrikam));
    await expect(verify(keySets, bogus(entra, contoso))).rejects.toMatchObject({ reason: "unknown-key" });
    await entra.rotate();
    await expect(verify(keySets, entra.idToken(fabrikam))).resolves.toBeDefined();
    // Contoso spent its fetch on the bogus kid: its rotation waits for the cooldown (the bound).
    await expect(verify(keySets, entra.idToken(contoso))).rejects.toMatchObject({ reason: "unknown-key" });
  });
});

describe("an identity provider that fails, then recovers", () => {
  const outages: [where: "discovery" | "jwks", fault: Fault][] = [
    ["discovery", "500"],
    ["discovery", "html"],
    ["discovery", "slow"],
    ["jwks", "500"],
    ["jwks", "html"],
    ["jwks", "slow"],
    ["jwks", "not-a-key-set"],
  ];
  it.each(outages)(
    "%s answering %s: refused as key-set-unavailable in time, and nothing of it is kept",
    async (where, fault) => {
      const entra = await authority();
      const keySets = new TenantKeySets(base, 30_000, 1_000, 300);
      entra.faults[where] = fault;
      const refusal = verify(keySets, entra.idToken());
      await expect(refusal).rejects.toMatchObject({ reason: "key-set-unavailable" });
      // A provider that never answers is given up by the app's own deadline (300 ms here), named.
      if (fault === "slow") await expect(refusal).rejects.toThrow(/: no answer within 300 ms$/);
      else await expect(refusal).rejects.not.toThrow(/no answer within/);
      expect(entra.fetches[where]).toBe(1);

      delete entra.faults[where]; // the provider behaves again: the very next sign-in succeeds
      await expect(verify(keySets, entra.idToken())).resolves.toMatchObject({ name: "Megan Bowen" });
      expect(entra.fetches[where]).toBe(2);
    },
  );
});
