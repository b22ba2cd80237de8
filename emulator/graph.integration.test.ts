import { describe, expect, it } from "vitest";
import { exchange, redeem, signIn, withTestEmulator } from "@/test/entra-emulator";
import { seed } from "./directory";
import type { RunningEmulator } from "./server";

let emulator: RunningEmulator;
withTestEmulator((running) => (emulator = running));

describe("Microsoft Graph", () => {
  const contosoAppToken = async (): Promise<string> =>
    (
      await (
        await redeem(
          emulator,
          { grant_type: "client_credentials", scope: "https://graph.microsoft.com/.default" },
          seed.contoso,
        )
      ).json()
    ).access_token;

  const graph = (path: string, token: string) =>
    fetch(`${emulator.backUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it("answers /me for a delegated token and /organization for an app token", async () => {
    const tokens = await (
      await exchange(
        emulator,
        await signIn(emulator, { username: "adele@contoso.com", consent: "accept-for-organization" }),
      )
    ).json();
    const me = await graph("/v1.0/me", tokens.access_token);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      displayName: "Adele Vance",
      userPrincipalName: "adele@contoso.com",
      mail: "adele@contoso.com",
    });

    const appToken = await contosoAppToken();
    const organization = await (await graph("/v1.0/organization", appToken)).json();
    expect(organization.value).toEqual([
      expect.objectContaining({
        id: seed.contoso,
        displayName: "Contoso",
        verifiedDomains: [
          expect.objectContaining({ name: "contoso.com", isDefault: true, isInitial: false }),
          expect.objectContaining({ name: "contoso.onmicrosoft.com", isDefault: false, isInitial: true }),
        ],
      }),
    ]);
    expect((await graph("/v1.0/me", appToken)).status).toBe(400);
  });

  it("refuses a token with a bad signature, another audience, or no token", async () => {
    const tokens = await (
      await exchange(emulator, await signIn(emulator, { username: "megan@contoso.com", consent: "accept" }))
    ).json();
    const [header, payload, signature] = tokens.access_token.split(".");
    const tampered = `${header}.${payload}.${signature.slice(0, -4)}AAAA`;
    for (const token of [tampered, tokens.id_token, ""]) {
      const response = await graph("/v1.0/me", token);
      expect(response.status).toBe(401);
      expect((await response.json()).error.code).toBe("InvalidAuthenticationToken");
    }
  });

  it("refuses an app token without an admin-consented role on /organization", async () => {
    await signIn(emulator, { username: "megan@contoso.com", consent: "accept" }); // user consent only
    const appToken = await contosoAppToken();
    expect((await graph("/v1.0/organization", appToken)).status).toBe(403);
  });
});
