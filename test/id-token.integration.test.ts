// lib/auth/id-token.ts against the local Entra ID emulator, sound and misbehaving.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { RunningEmulator } from "@/emulator/server";
import { IdTokenError, TenantKeySets, verifyEntraIdToken, type IdTokenFailure } from "@/lib/auth/id-token";
import { control, exchange, signIn, testApp, withTestEmulator } from "./entra-emulator";

let emulator: RunningEmulator;
withTestEmulator((running) => (emulator = running));

async function idToken(misbehaviour?: string): Promise<string> {
  const signedIn = await signIn(emulator, { username: "megan@contoso.com", consent: "accept" });
  if (misbehaviour) await control(emulator, "misbehave", { kind: misbehaviour });
  return (await (await exchange(emulator, signedIn)).json()).id_token;
}

const verify = (token: string, keySets = new TenantKeySets(emulator.backUrl)) =>
  verifyEntraIdToken(token, { clientId: testApp.clientId, authorityBase: emulator.backUrl, keySets });

describe("verifyEntraIdToken", () => {
  it("accepts a sound token and returns who it is: (tid, oid), display data, roles", async () => {
    const identity = await verify(await idToken());
    expect(identity).toMatchObject({
      tid: "4a1e9b5c-2f3d-4c8a-9e6b-1d2c3b4a5f60",
      oid: "0a7c1f2e-1b3d-4e5f-8a9b-0c1d2e3f4a02",
      name: "Megan Bowen",
      email: "megan@contoso.com",
      personal: false,
    });
  });

  const refusals: [string, IdTokenFailure][] = [
    ["bad-signature", "signature"],
    ["alg-none", "algorithm"],
    ["hs256-public-key", "algorithm"],
    ["jku-header", "key-in-header"],
    ["jwk-header", "key-in-header"],
    ["x5u-header", "key-in-header"],
    ["unknown-kid", "unknown-key"],
    ["wrong-iss", "issuer"],
    ["iss-tid-mismatch", "issuer"],
    ["templated-iss", "issuer"],
    ["tid-not-guid", "tenant"],
    ["wrong-aud", "audience"],
    ["extra-aud", "audience"],
    ["wrong-azp", "authorized-party"],
    ["expired", "expired"],
    ["not-yet-valid", "not-yet-valid"],
    ["missing-exp", "missing-claim"],
    ["missing-iat", "missing-claim"],
    ["stale-iat", "too-old"],
    ["missing-sub", "missing-claim"],
    ["missing-nonce", "missing-claim"],
    ["access-token-as-id-token", "audience"],
  ];
  it.each(refusals)("refuses %s (%s)", async (misbehaviour, reason) => {
    const attempt = verify(await idToken(misbehaviour));
    await expect(attempt).rejects.toBeInstanceOf(IdTokenError);
    await expect(attempt).rejects.toMatchObject({ reason });
  });

  it("fetches the key set again for a rotated key (past the cooldown), and accepts tokens of the new key", async () => {
    const keySets = new TenantKeySets(emulator.backUrl, 0);
    await verify(await idToken(), keySets); // key set cached
    await control(emulator, "keys/rotate", { graceMs: 60_000 });
    await expect(verify(await idToken(), keySets)).resolves.toMatchObject({ name: "Megan Bowen" });
  });
});

it("refuses, without fetching again, a second unknown key within the cooldown", async () => {
  const keySets = new TenantKeySets(emulator.backUrl, 60_000);
  await verify(await idToken(), keySets);
  await expect(verify(await idToken("unknown-kid"), keySets)).rejects.toMatchObject({ reason: "unknown-key" });
  // A real rotation right after is refused too until the cooldown ends: the price of not letting
  // a stream of bogus kids make us hammer the authority.
  await control(emulator, "keys/rotate", { graceMs: 60_000 });
  await expect(verify(await idToken(), keySets)).rejects.toMatchObject({ reason: "unknown-key" });
});

it("does not let a flood of random kids hammer the key endpoint: one fetch per cooldown", async () => {
  const keySets = new TenantKeySets(emulator.backUrl, 60_000);
  const sound = await idToken();
  await verify(sound, keySets);
  const before = ((await (await control(emulator, "stats")).json()) as { jwksRequests: number }).jwksRequests;

  // Tokens of the right shape, each with a kid nobody published (the signature is never reached).
  const [, payload] = sound.split(".");
  const forged = Array.from({ length: 50 }, () => {
    const header = Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT", kid: randomUUID() })).toString("base64url");
    return `${header}.${payload}.${Buffer.from("sig").toString("base64url")}`;
  });
  for (const token of forged) await expect(verify(token, keySets)).rejects.toMatchObject({ reason: "unknown-key" });

  const after = ((await (await control(emulator, "stats")).json()) as { jwksRequests: number }).jwksRequests;
  expect(after - before).toBeLessThanOrEqual(1);
});
