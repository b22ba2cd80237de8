// Outages of discovery and the key set (entra/faults.ts), and the abrupt key rotation, as an app
// sees them over the back channel.
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { control, exchange, signIn, withTestEmulator } from "@/test/entra-emulator";
import { seed } from "./directory";
import { endpointFaults } from "./entra/faults";
import type { RunningEmulator } from "./server";

let emulator: RunningEmulator;
withTestEmulator((running) => (emulator = running));

const documents = {
  common: () => fetch(`${emulator.backUrl}/common/v2.0/.well-known/openid-configuration`),
  tenant: () => fetch(`${emulator.backUrl}/${seed.contoso}/v2.0/.well-known/openid-configuration`),
  tenantByDomain: () => fetch(`${emulator.backUrl}/contoso.com/v2.0/.well-known/openid-configuration`),
  keys: () => fetch(`${emulator.backUrl}/common/discovery/v2.0/keys`),
  keysV1: () => fetch(`${emulator.backUrl}/${seed.contoso}/discovery/keys`),
};
type Document = keyof typeof documents;

/** Whether `document` is answered soundly: 200 and JSON of the right shape. */
async function sound(document: Document): Promise<boolean> {
  const response = await documents[document]();
  if (response.status !== 200 || !response.headers.get("content-type")?.includes("application/json")) return false;
  const body = (await response.json()) as { issuer?: unknown; keys?: unknown };
  return document.startsWith("keys") ? Array.isArray(body.keys) : typeof body.issuer === "string";
}

const misbehave = (body: Record<string, unknown>) => control(emulator, "misbehave", body);
const faultyResponses = async () =>
  ((await (await control(emulator, "stats")).json()) as { faultyResponses: number }).faultyResponses;

describe("outages of discovery and the key set", () => {
  const broken: [kind: string, hits: Document[], spared: Document[]][] = [
    ["discovery-common-500", ["common"], ["tenant", "keys"]],
    ["discovery-common-html", ["common"], ["tenant", "keys"]],
    ["discovery-tenant-500", ["tenant", "tenantByDomain"], ["common", "keys"]],
    ["discovery-tenant-html", ["tenant", "tenantByDomain"], ["common", "keys"]],
    ["jwks-500", ["keys", "keysV1"], ["common", "tenant"]],
    ["jwks-html", ["keys", "keysV1"], ["common", "tenant"]],
  ];
  it.each(broken)("%s breaks its documents, every time, until cleared", async (kind, hits, spared) => {
    expect((await misbehave({ kind })).status).toBe(200);
    const before = await faultyResponses();
    for (const document of hits) {
      expect(await sound(document), document).toBe(false);
      expect(await sound(document), `${document} again`).toBe(false); // an outage, not one response
    }
    for (const document of spared) expect(await sound(document), document).toBe(true);
    expect(await faultyResponses()).toBe(before + 2 * hits.length);

    await misbehave({ kind: "none" });
    for (const document of hits) expect(await sound(document), document).toBe(true);
  });

  it("answers 500 in Entra's error shape, and HTML with status 200", async () => {
    await misbehave({ kind: "jwks-500" });
    const failed = await documents.keys();
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ error: "temporarily_unavailable" });
    await misbehave({ kind: "discovery-common-html" });
    const page = await documents.common();
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    await expect(page.clone().json()).rejects.toThrow();
  });

  it("a slow fault answers soundly, after its delay", async () => {
    for (const [kind, document] of [
      ["discovery-common-slow", "common"],
      ["discovery-tenant-slow", "tenant"],
      ["jwks-slow", "keys"],
    ] as const) {
      await misbehave({ kind, delayMs: 300 });
      const before = await faultyResponses();
      const started = Date.now();
      expect(await sound(document), kind).toBe(true);
      // No sooner than its delay (a timer may fire a millisecond early as Date.now() counts).
      expect(Date.now() - started, kind).toBeGreaterThanOrEqual(300 - 5);
      expect(await faultyResponses(), kind).toBe(before + 1);
      // Another document is not delayed: the emulator's own count says so, whatever the clock.
      expect(await sound(document === "common" ? "tenant" : "common")).toBe(true);
      expect(await faultyResponses(), `${kind}: another document`).toBe(before + 1);
    }
  });

  it("lets the first `skip` requests through: the outage starts mid-sign-in", async () => {
    await misbehave({ kind: "discovery-tenant-500", skip: 1 });
    expect(await sound("tenant")).toBe(true);
    expect(await sound("tenant")).toBe(false);
    expect(await sound("tenant")).toBe(false);
    expect((await misbehave({ kind: "jwks-500", skip: -1 })).status).toBe(400);
  });

  it("ends with a reset, and leaves the token endpoint's misbehaviours alone", async () => {
    await misbehave({ kind: "discovery-common-500" });
    await control(emulator, "reset", {});
    expect(await sound("common")).toBe(true);

    await misbehave({ kind: "jwks-500" });
    await misbehave({ kind: "token-500" });
    const signedIn = await signIn(emulator, { username: "megan@contoso.com", consent: "accept" });
    expect((await exchange(emulator, signedIn)).status).toBe(500); // the token misbehaviour, once
    expect(await sound("keys")).toBe(false); // the outage still on
  });

  it("names every kind it knows when refusing one", async () => {
    const body = (await (await misbehave({ kind: "jwks-on-fire" })).json()) as { error: string };
    for (const kind of endpointFaults) expect(body.error).toContain(kind);
    expect(body.error).toContain("token-slow");
  });
});

describe("an abrupt key rotation (graceMs 0)", () => {
  const keySet = async () =>
    ((await (await documents.keys()).json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
  const idToken = async () => {
    const signedIn = await signIn(emulator, { username: "megan@contoso.com", consent: "accept" });
    return ((await (await exchange(emulator, signedIn)).json()) as { id_token: string }).id_token;
  };

  it("drops the old key from the key set at once, and signs with the new one from then on", async () => {
    const before = await idToken();
    const rotated = (await (await control(emulator, "keys/rotate", { graceMs: 0 })).json()) as {
      kid: string;
      retiredKid: string;
    };
    expect(rotated.retiredKid).toBe(decodeProtectedHeader(before).kid);
    expect(await keySet()).toEqual([rotated.kid]);

    const after = await idToken();
    expect(decodeProtectedHeader(after).kid).toBe(rotated.kid);
    const published = createLocalJWKSet(await (await documents.keys()).json());
    await expect(jwtVerify(after, published)).resolves.toBeDefined();
    await expect(jwtVerify(before, published)).rejects.toThrow(); // signed by a key no longer published
  });

  it("refuses a grace period that is not a number of milliseconds", async () => {
    for (const graceMs of [-1, "soon"]) {
      expect((await control(emulator, "keys/rotate", { graceMs })).status, String(graceMs)).toBe(400);
    }
  });
});
