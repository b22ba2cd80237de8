import { decodeJwt } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { account, control, redeem, redirectUri, signIn, testApp, withTestEmulator } from "@/test/entra-emulator";
import { appRoles, OPERATOR_READ_ROLE, OPERATOR_ROLE } from "@/lib/entra/app-registration";
import { DEMO_OPERATOR, seed } from "./directory";
import type { RunningEmulator } from "./server";

let emulator: RunningEmulator;
withTestEmulator((running) => (emulator = running));

const assignments = `apps/${testApp.clientId}/role-assignments`;
const pat = { ...DEMO_OPERATOR, role: "Operator" };

// The test app, registered anew with the manifest's roles: that also forgets the assignments of
// the test before (a reset keeps them, as it keeps the apps).
beforeEach(async () => {
  const registered = await control(emulator, "apps", { ...testApp, appRoles: appRoles() });
  expect(registered.status).toBe(200);
});

/** Signs `username` in to the test app through `authority`, and redeems the code there. */
async function tokensOf(username: string, authority = "common", consent: "accept" | "none" = "accept") {
  const signedIn = await signIn(emulator, { username, authority, consent });
  const response = await redeem(
    emulator,
    {
      grant_type: "authorization_code",
      code: signedIn.callback.searchParams.get("code") ?? "",
      redirect_uri: redirectUri,
      code_verifier: signedIn.verifier,
    },
    authority,
  );
  expect(response.status).toBe(200);
  const tokens = (await response.json()) as { id_token: string; access_token: string; refresh_token: string };
  return { ...tokens, claims: decodeJwt(tokens.id_token) };
}

async function refreshed(refreshToken: string) {
  const response = await redeem(emulator, { grant_type: "refresh_token", refresh_token: refreshToken });
  expect(response.status).toBe(200);
  return decodeJwt(((await response.json()) as { id_token: string }).id_token);
}

describe("app roles in ID tokens", () => {
  it("puts Operator in Pat's roles claim once assigned, and leaves the claim out before and after", async () => {
    const before = await tokensOf("pat@adatum.com");
    expect(before.claims).not.toHaveProperty("roles");

    expect((await control(emulator, assignments, pat)).status).toBe(200);
    const assigned = await tokensOf("pat@adatum.com");
    expect(assigned.claims).toMatchObject({ tid: seed.adatum, oid: DEMO_OPERATOR.oid, roles: ["Operator"] });
    // The app's own roles are for the app: the Graph access token has none of them.
    expect(decodeJwt(assigned.access_token)).not.toHaveProperty("roles");

    const removed = await control(emulator, `${assignments}/remove`, pat);
    expect(await removed.json()).toMatchObject({ removed: true, role: "Operator" });
    // A token issued after the removal, even by a refresh token from before, has no roles claim.
    expect(await refreshed(assigned.refresh_token)).not.toHaveProperty("roles");
    expect((await tokensOf("pat@adatum.com")).claims).not.toHaveProperty("roles");
  });

  it("lists every role the account holds, in the order the app defines them", async () => {
    await control(emulator, assignments, { ...pat, role: "Operator.Read" });
    await control(emulator, assignments, pat);
    expect((await tokensOf("pat@adatum.com")).claims.roles).toEqual(["Operator", "Operator.Read"]);
  });

  it("gives no roles claim to Lee of the publisher tenant, nor to a Contoso Global Administrator", async () => {
    await control(emulator, assignments, pat);
    expect((await tokensOf("pat@adatum.com")).claims.roles).toEqual(["Operator"]); // the one who holds it
    const lee = (await tokensOf("lee@adatum.com")).claims;
    expect(lee).toMatchObject({ tid: seed.adatum, name: "Lee Gu" });
    expect(lee).not.toHaveProperty("roles");
    const adele = (await tokensOf("adele@contoso.com")).claims;
    expect(adele.wids).toContain("62e90394-69f5-4237-9190-012177145e10"); // Global Administrator
    expect(adele).not.toHaveProperty("roles");
  });

  it("reads a guest's roles in the tenant they signed in to, not in their home tenant", async () => {
    const home = await account(emulator, "megan@contoso.com");
    const guest = await account(emulator, "megan_contoso.com#EXT#@fabrikam.onmicrosoft.com");
    await control(emulator, assignments, { tenantId: home.tenantId, oid: home.oid, role: "Operator" });
    // Fabrikam does not allow user consent: its admin consents for the organization first.
    await signIn(emulator, {
      username: "ian@fabrikam.com",
      authority: seed.fabrikam,
      consent: "accept-for-organization",
    });
    const asGuest = () => tokensOf(guest.username, seed.fabrikam, "none");
    expect((await asGuest()).claims).not.toHaveProperty("roles");

    await control(emulator, assignments, { tenantId: guest.tenantId, oid: guest.oid, role: "Operator.Read" });
    expect((await asGuest()).claims).toMatchObject({ tid: seed.fabrikam, roles: ["Operator.Read"] });
    expect((await tokensOf("megan@contoso.com")).claims).toMatchObject({ tid: seed.contoso, roles: ["Operator"] });
  });
});

describe("the role assignment control routes", () => {
  it("list the assignments with the role's value and id", async () => {
    expect(await (await control(emulator, assignments)).json()).toEqual({ assignments: [] });
    expect(await (await control(emulator, assignments, pat)).json()).toEqual({ ...pat, appRoleId: OPERATOR_ROLE.id });
    await control(emulator, assignments, pat); // twice is once
    expect(await (await control(emulator, assignments)).json()).toEqual({
      assignments: [{ ...pat, appRoleId: OPERATOR_ROLE.id }],
    });
  });

  it("refuse a role the app does not define, an unknown account and an unknown app", async () => {
    const refused = async (path: string, body: object, status: number, error: RegExp) => {
      const response = await control(emulator, path, body);
      expect(response.status).toBe(status);
      expect((await response.json()).error).toMatch(error);
    };
    await refused(assignments, { ...pat, role: "Administrator" }, 400, /defines no role "Administrator"/);
    await refused(assignments, { ...pat, role: "operator" }, 400, /defines no role/); // values are exact
    await refused(`${assignments}/remove`, { ...pat, role: "Owner" }, 400, /defines no role/);
    await refused(assignments, { ...pat, oid: "3d0f4c5b-4e6a-4b8c-9d2e-3f4a5b6c7dff" }, 400, /no such account/);
    await refused(assignments, { ...pat, tenantId: seed.contoso }, 400, /no such account/); // Pat is Adatum's
    await refused(assignments, {}, 400, /defines no role ""/);
    const unknownApp = "apps/00000000-0000-0000-0000-00000000beef/role-assignments";
    await refused(unknownApp, pat, 404, /no app/);
    expect((await control(emulator, unknownApp)).status).toBe(404);
    expect(await (await control(emulator, assignments)).json()).toEqual({ assignments: [] });
  });

  it("refuse an assignment outside the home tenant of a single-tenant app", async () => {
    const clientId = "8e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b";
    await control(emulator, "apps", { ...testApp, clientId, tenantId: seed.adatum, appRoles: appRoles() });
    const adele = await account(emulator, "adele@contoso.com");
    const response = await control(emulator, `apps/${clientId}/role-assignments`, { ...adele, role: "Operator" });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/single-tenant, registered in 7d4b2e8f/);
    expect((await control(emulator, `apps/${clientId}/role-assignments`, pat)).status).toBe(200);
  });

  it("refuse a disabled role, and one only apps can hold", async () => {
    const roles = appRoles();
    roles[0]!.isEnabled = false;
    roles[1]!.allowedMemberTypes = ["Application"];
    expect((await control(emulator, "apps", { ...testApp, appRoles: roles })).status).toBe(200);
    for (const role of [OPERATOR_ROLE.value, OPERATOR_READ_ROLE.value]) {
      const response = await control(emulator, assignments, { ...pat, role });
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatch(/disabled or not assignable to users/);
    }
  });

  it("keep the assignments across a reset, but not those of accounts the reset removed", async () => {
    const temp = await (
      await control(emulator, "users", { tenantId: seed.adatum, name: "Temp", username: "temp@adatum.com" })
    ).json();
    await control(emulator, assignments, pat);
    await control(emulator, assignments, { tenantId: seed.adatum, oid: temp.oid, role: "Operator" });
    expect((await control(emulator, "reset", {})).status).toBe(200);
    expect((await (await control(emulator, assignments)).json()).assignments).toEqual([
      { ...pat, appRoleId: OPERATOR_ROLE.id },
    ]);
    expect((await tokensOf("pat@adatum.com")).claims.roles).toEqual(["Operator"]);
  });
});

describe("app registrations with app roles", () => {
  const register = (appRoles: unknown) => control(emulator, "apps", { ...testApp, appRoles });
  const role = { id: OPERATOR_ROLE.id, value: "Operator", displayName: "Operator", allowedMemberTypes: ["User"] };

  it("refuse a role without a GUID id, a valid value, a display name or member types", async () => {
    for (const [appRoles, error] of [
      ["Operator", /appRoles must be an array/],
      [[{ ...role, id: "operator" }], /appRoles\[0\]\.id must be a GUID/],
      [[{ ...role, value: "Console operator" }], /appRoles\[0\]\.value/],
      [[{ ...role, value: ".Operator" }], /appRoles\[0\]\.value/],
      [[{ ...role, displayName: "" }], /displayName is required/],
      [[{ ...role, allowedMemberTypes: [] }], /allowedMemberTypes/],
      [[{ ...role, allowedMemberTypes: ["Group"] }], /allowedMemberTypes/],
      [[role, { ...role, id: OPERATOR_READ_ROLE.id }], /appRoles\[1\]: another role has its id or value/],
    ] as const) {
      const response = await register(appRoles);
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatch(error);
    }
  });

  it("show the roles in the directory, enabled unless said otherwise", async () => {
    expect((await register([role])).status).toBe(200);
    const directory = await (await control(emulator, "directory")).json();
    const app = directory.apps.find((candidate: { clientId: string }) => candidate.clientId === testApp.clientId);
    expect(app.appRoles).toEqual([{ ...role, isEnabled: true }]);
    expect(app.secret).toBeUndefined();
  });
});
