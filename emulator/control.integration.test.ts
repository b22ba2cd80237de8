import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { control, exchange, signIn, withTestEmulator } from "@/test/entra-emulator";
import { roles } from "./directory";
import type { RunningEmulator } from "./server";

let emulator: RunningEmulator;
withTestEmulator((running) => (emulator = running));

describe("the control API", () => {
  it("refuses requests without its header (a cross-site page cannot send it)", async () => {
    const response = await fetch(`${emulator.backUrl}/_emulator/reset`, { method: "POST" });
    expect(response.status).toBe(403);
  });

  it("creates tenants and users that can sign in", async () => {
    const tenant = await (
      await control(emulator, "tenants", { displayName: "Tailspin", domains: ["tailspin.example"] })
    ).json();
    await control(emulator, "users", {
      tenantId: tenant.id,
      name: "Terry",
      username: "terry@tailspin.example",
      admin: true,
    });
    const terry = await signIn(emulator, { username: "terry@tailspin.example", consent: "accept" });
    const tokens = await (await exchange(emulator, terry)).json();
    expect(decodeJwt(tokens.id_token)).toMatchObject({ tid: tenant.id, wids: [roles.globalAdministrator, roles.user] });
  });
});
