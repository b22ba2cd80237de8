import { describe, expect, it, vi } from "vitest";
import { checkFulfillmentCredential, credentialHealth } from "./credential-check";
import { publisherTokenSource, type TokenClient } from "./publisher-token";
import type { MarketplaceConfig } from "./config";

const settings: MarketplaceConfig = {
  tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  clientId: "4a1c3e5d-7b9f-4d2e-8c6a-1b3d5f7a9c2e",
  credential: { kind: "secret", secret: "never-logged-secret" },
  apiUrl: "https://marketplaceapi.microsoft.com/api",
};

function source(outcome: () => Promise<{ accessToken: string }>) {
  const client: TokenClient = {
    acquireTokenByClientCredential: outcome as unknown as TokenClient["acquireTokenByClientCredential"],
  };
  const log = { error: vi.fn() };
  return { getToken: publisherTokenSource(settings, { client: async () => client, log }), log };
}

describe("credentialHealth", () => {
  it("tells not checked, accepted, refused and unreachable apart", () => {
    const at = new Date();
    expect(credentialHealth(undefined)).toBe("not-checked");
    expect(credentialHealth({ ok: true, checkedAt: at })).toBe("ok");
    expect(credentialHealth({ ok: false, code: "AADSTS7000222", message: "m", checkedAt: at })).toBe("refused");
    expect(credentialHealth({ ok: false, code: "unreachable", message: "m", checkedAt: at })).toBe("unreachable");
  });
});

describe("checkFulfillmentCredential", () => {
  it("records an accepted credential and says so once", async () => {
    const { getToken } = source(async () => ({ accessToken: "token" }));
    const info = vi.fn();
    const status = await checkFulfillmentCredential(getToken, { info });
    expect(status).toMatchObject({ ok: true });
    expect(info).toHaveBeenCalledWith("[marketplace] fulfillment app credential accepted by Microsoft Entra ID");
  });

  it("never throws on a refused secret: the refusal is recorded and logged with the variable to fix, without the secret", async () => {
    const { getToken, log } = source(async () => {
      throw Object.assign(new Error("AADSTS7000222: The provided client secret keys for app are expired."), {
        errorNo: "7000222",
      });
    });
    const info = vi.fn();
    const status = await checkFulfillmentCredential(getToken, { info });
    expect(status).toMatchObject({ ok: false, code: "AADSTS7000222" });
    expect(credentialHealth(status)).toBe("refused");
    expect(info).not.toHaveBeenCalled();
    expect(log.error).toHaveBeenCalledTimes(1);
    const line = String(log.error.mock.calls[0]![0]);
    expect(line).toContain("MARKETPLACE_CLIENT_SECRET");
    expect(line).not.toContain("never-logged-secret");
  });
});
