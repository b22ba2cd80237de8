// The app's tenant key sets (lib/auth/id-token.ts) against this emulator when its signing key
// rotates abruptly while the app runs, and when its discovery documents or key set fail, then
// recover (entra/faults.ts).
import { describe, expect, it } from "vitest";
import { TenantKeySets, verifyEntraIdToken } from "@/lib/auth/id-token";
import { control, exchange, signIn, testApp, withTestEmulator } from "@/test/entra-emulator";
import type { RunningEmulator } from "./server";

let emulator: RunningEmulator;
withTestEmulator((running) => (emulator = running));

async function idToken(): Promise<string> {
  const signedIn = await signIn(emulator, { username: "megan@contoso.com", consent: "accept" });
  return ((await (await exchange(emulator, signedIn)).json()) as { id_token: string }).id_token;
}

const verify = async (keySets: TenantKeySets, token: string | Promise<string>) =>
  verifyEntraIdToken(await token, { clientId: testApp.clientId, authorityBase: emulator.backUrl, keySets });

const stats = async () =>
  (await (await control(emulator, "stats")).json()) as { jwksRequests: number; faultyResponses: number };

describe("a signing key rotated while the app runs", () => {
  it("is accepted at once after an abrupt rotation right after a sign-in, with one more key set fetch", async () => {
    const keySets = new TenantKeySets(emulator.backUrl); // the app's 30 s cooldown
    await expect(verify(keySets, idToken())).resolves.toMatchObject({ name: "Megan Bowen" });
    const before = (await stats()).jwksRequests;

    await control(emulator, "keys/rotate", { graceMs: 0 }); // the old key is no longer published
    await expect(verify(keySets, idToken())).resolves.toMatchObject({ name: "Megan Bowen" });
    expect((await stats()).jwksRequests - before).toBe(1);
  });
});

describe("discovery and the key set failing, then recovering", () => {
  const outages: [kind: string, delayMs?: number][] = [
    ["discovery-tenant-500"],
    ["discovery-tenant-html"],
    ["discovery-tenant-slow", 30_000],
    ["jwks-500"],
    ["jwks-html"],
    ["jwks-slow", 30_000],
  ];
  it.each(outages)("%s: refused as key-set-unavailable within the timeout, then accepted", async (kind, delayMs) => {
    const keySets = new TenantKeySets(emulator.backUrl, 30_000, 1_000, 1_000);
    const token = await idToken();
    const served = (await stats()).faultyResponses;
    await control(emulator, "misbehave", { kind, delayMs });
    const started = Date.now();
    const refusal = verify(keySets, token);
    await expect(refusal).rejects.toMatchObject({ reason: "key-set-unavailable" });
    if (delayMs) {
      // The app's own deadline (1 s here) ended the wait, long before the provider's answer (30 s).
      await expect(refusal).rejects.toThrow(/: no answer within 1000 ms$/);
      expect(Date.now() - started).toBeLessThan(2 * 1_000 + 10_000);
    } else {
      await expect(refusal).rejects.not.toThrow(/no answer within/); // refused at the broken answer
    }
    expect((await stats()).faultyResponses).toBe(served + 1); // the outage was met, once

    await control(emulator, "misbehave", { kind: "none" });
    await expect(verify(keySets, token)).resolves.toMatchObject({ name: "Megan Bowen" });
  });
});
