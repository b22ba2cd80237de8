import { afterEach, describe, expect, it, vi } from "vitest";
import { TenantKeySets } from "./id-token";

describe("the tenants' key sets kept in memory", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("are bounded: a stranger naming ever new tenants cannot grow them", async () => {
    const base = "https://login.example";
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
