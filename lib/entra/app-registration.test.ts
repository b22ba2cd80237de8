import { describe, expect, it } from "vitest";
import {
  type AppRole,
  InvalidAppUrlError,
  OPERATOR_READ_ROLE,
  OPERATOR_ROLE,
  OPERATOR_ROLES,
  SIGN_IN_SCOPE,
  appBaseUrl,
  appRegistrationEnvironment,
  appRegistrationManifest,
  legalUrls,
  mergeAppRoles,
  redirectUris,
} from "./app-registration";

const GRAPH = "00000003-0000-0000-c000-000000000000";
const manifest = (baseUrl: string, personalAccounts = false) =>
  appRegistrationManifest({ baseUrl, displayName: "Contoso Notes", personalAccounts });

function refusal(baseUrl: string): InvalidAppUrlError {
  try {
    manifest(baseUrl);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidAppUrlError);
    return error as InvalidAppUrlError;
  }
  throw new Error(`expected ${baseUrl} to be refused`);
}

describe("appRegistrationManifest", () => {
  it("registers both redirect URIs on the Web platform, built from the origin without its trailing slash", () => {
    expect(manifest("https://app.example.com/").web).toEqual({
      redirectUris: [
        "https://app.example.com/api/auth/callback/microsoft-entra-id",
        "https://app.example.com/signup/callback",
      ],
      implicitGrantSettings: { enableIdTokenIssuance: false, enableAccessTokenIssuance: false },
    });
    expect(manifest("https://App.Example.com:8443").web.redirectUris).toEqual([
      "https://app.example.com:8443/api/auth/callback/microsoft-entra-id",
      "https://app.example.com:8443/signup/callback",
    ]);
  });

  it("links the consent screen to the app's own privacy statement and terms of use", () => {
    expect(manifest("https://app.example.com/").info).toEqual({
      privacyStatementUrl: "https://app.example.com/privacy",
      termsOfServiceUrl: "https://app.example.com/terms",
    });
    expect(manifest("https://App.Example.com:8443").info).toEqual({
      privacyStatementUrl: "https://app.example.com:8443/privacy",
      termsOfServiceUrl: "https://app.example.com:8443/terms",
    });
    expect(manifest("http://localhost:3000", true).info.termsOfServiceUrl).toBe("http://localhost:3000/terms");
    // The same origin as the redirect URIs: one URL typed, nothing to keep in step by hand.
    const { web, info } = manifest("https://app.example.com");
    for (const url of Object.values(info)) expect(new URL(url).origin).toBe(new URL(web.redirectUris[0]!).origin);
  });

  it("signs in work and school accounts of any organization, and personal accounts only when asked", () => {
    expect(manifest("https://app.example.com").signInAudience).toBe("AzureADMultipleOrgs");
    expect(manifest("https://app.example.com", true).signInAudience).toBe("AzureADandPersonalMicrosoftAccount");
    // Graph refuses the personal-account audience unless access tokens are v2.
    expect(manifest("https://app.example.com", true).api).toEqual({ requestedAccessTokenVersion: 2 });
  });

  it("asks Microsoft Graph for the sign-in's delegated scopes and the admin sign-up's app role, by their ids", () => {
    expect(manifest("https://app.example.com").requiredResourceAccess).toEqual([
      {
        resourceAppId: GRAPH,
        resourceAccess: [
          { id: "37f7f235-527c-4136-accd-4a02d197296e", type: "Scope" }, // openid
          { id: "14dad69e-099b-42c9-810b-d002981feec1", type: "Scope" }, // profile
          { id: "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0", type: "Scope" }, // email
          { id: "7427e0e9-2fba-42fe-b0c0-848c9e6a8182", type: "Scope" }, // offline_access
          { id: "e1fe6dd8-ba31-4d61-89e7-88639da4683d", type: "Scope" }, // User.Read
          { id: "498476ce-e0fe-48b0-b801-37ba7e2685c6", type: "Role" }, // Organization.Read.All (application)
        ],
      },
    ]);
    expect(SIGN_IN_SCOPE).toBe("openid profile email offline_access User.Read");
  });

  it("asks for the claims the app reads: email, and the directory roles (wids) of the admin sign-up", () => {
    const { displayName, optionalClaims, groupMembershipClaims } = manifest("https://app.example.com");
    expect({ displayName, optionalClaims, groupMembershipClaims }).toEqual({
      displayName: "Contoso Notes",
      optionalClaims: { idToken: [{ name: "email", essential: false }] },
      groupMembershipClaims: "DirectoryRole",
    });
  });

  it("defines the operator roles, for users only, enabled, with their fixed ids", () => {
    expect(manifest("https://app.example.com").appRoles).toEqual([
      {
        id: "192a4b2f-58d3-4c60-b2b4-1a1e3cfa17e3",
        value: "Operator",
        displayName: "Operator",
        description:
          "Operators run every tenant from the operator console: approve, extend, activate, suspend, reinstate",
        allowedMemberTypes: ["User"],
        isEnabled: true,
      },
      {
        id: "95e6c0e5-deeb-4157-8ea5-63aeb38a1cf8",
        value: "Operator.Read",
        displayName: "Operator (read-only)",
        description: "Read-only access to the operator console",
        allowedMemberTypes: ["User"],
        isEnabled: true,
      },
    ]);
    // The same with personal accounts: the roles are the publisher's, whoever else signs in.
    expect(manifest("http://localhost:3000", true).appRoles.map(({ id, value }) => ({ id, value }))).toEqual([
      OPERATOR_ROLE,
      OPERATOR_READ_ROLE,
    ]);
    expect(OPERATOR_ROLES).toEqual(["Operator", "Operator.Read"]);
  });

  it("accepts http:// only for localhost and 127.0.0.1, as Entra does", () => {
    expect(manifest("http://localhost:3000/").web.redirectUris[0]).toBe(
      "http://localhost:3000/api/auth/callback/microsoft-entra-id",
    );
    expect(manifest("http://127.0.0.1:3000").web.redirectUris[1]).toBe("http://127.0.0.1:3000/signup/callback");
    expect(refusal("http://example.com").message).toMatch(/^http:\/\/example\.com must use https/);
    expect(refusal("http://[::1]:3000").message).toMatch(/must use https/);
    expect(refusal("ftp://example.com").message).toMatch(/must be an https:\/\/ URL/);
  });

  it("refuses anything but an origin: a path, a query, a fragment, a user name, a wildcard, not a URL", () => {
    for (const value of [
      "https://example.com/app",
      "https://example.com/?tenant=x",
      "https://example.com/?",
      "https://example.com/#top",
      "https://user@example.com",
    ]) {
      expect(refusal(value).message).toMatch(/must be the app's origin only/);
    }
    expect(refusal("https://*.example.com").message).toMatch(/not a wildcard/);
    expect(refusal("app.example.com").message).toMatch(/is not a URL/);
    expect(refusal(`https://${"a".repeat(230)}.com`).message).toMatch(/up to 256 characters/);
  });
});

describe("mergeAppRoles (an update of an existing registration)", () => {
  const ours = manifest("https://app.example.com").appRoles;
  const theirs: AppRole = {
    id: "d1c2b3a4-0000-4000-8000-000000000001",
    value: "Support",
    displayName: "Support",
    description: "Added by hand in the portal",
    allowedMemberTypes: ["User"],
    isEnabled: true,
  };

  it("adds the operator roles to a registration that has none", () => {
    expect(mergeAppRoles([])).toEqual(ours);
  });

  it("keeps every role it finds, enabled or not: Graph refuses removing an enabled role", () => {
    const disabled = { ...theirs, id: "d1c2b3a4-0000-4000-8000-000000000002", value: "Old", isEnabled: false };
    expect(mergeAppRoles([theirs, disabled])).toEqual([theirs, disabled, ...ours]);
  });

  it("adds a role only when neither its id nor its value is taken, and leaves the taken one as it is", () => {
    const renamed = { ...ours[0]!, displayName: "Console operator", isEnabled: false };
    const sameValue = { ...theirs, value: "Operator.Read" };
    expect(mergeAppRoles([renamed, sameValue])).toEqual([renamed, sameValue]);
    expect(mergeAppRoles(ours)).toEqual(ours);
  });

  it("leaves out origin, which Graph answers with and refuses in a PATCH", () => {
    expect(mergeAppRoles([{ ...theirs, origin: "Application" }])[0]).toEqual(theirs);
  });
});

describe("appBaseUrl, redirectUris and legalUrls", () => {
  it("normalize to the origin", () => {
    expect(appBaseUrl(" https://app.example.com/ ")).toBe("https://app.example.com");
    expect(redirectUris("http://localhost:3000/")).toEqual([
      "http://localhost:3000/api/auth/callback/microsoft-entra-id",
      "http://localhost:3000/signup/callback",
    ]);
    expect(legalUrls("https://app.example.com//")).toEqual({
      privacyStatementUrl: "https://app.example.com/privacy",
      termsOfServiceUrl: "https://app.example.com/terms",
    });
  });
});

describe("appRegistrationEnvironment", () => {
  const app = { appId: "2b7e1c9d-4f3a-4e8b-9c1d-0a2b3c4d5e6f", secret: "abc~DEF.ghi_123" };

  it("names the client id, the secret, the multi-tenant issuer and the app's URL", () => {
    expect(
      appRegistrationEnvironment({ ...app, baseUrl: "https://app.example.com/", personalAccounts: false }),
    ).toEqual([
      ["AUTH_MICROSOFT_ENTRA_ID_ID", "2b7e1c9d-4f3a-4e8b-9c1d-0a2b3c4d5e6f"],
      ["AUTH_MICROSOFT_ENTRA_ID_SECRET", "abc~DEF.ghi_123"],
      ["AUTH_MICROSOFT_ENTRA_ID_ISSUER", "https://login.microsoftonline.com/common/v2.0"],
      ["AUTH_URL", "https://app.example.com"],
    ]);
  });

  it("lets personal accounts in when the registration does", () => {
    const env = appRegistrationEnvironment({ ...app, baseUrl: "https://app.example.com", personalAccounts: true });
    expect(env.at(-1)).toEqual(["ALLOW_PERSONAL_ACCOUNTS", "true"]);
    expect(env.find(([name]) => name === "AUTH_MICROSOFT_ENTRA_ID_ISSUER")?.[1]).toBe(
      "https://login.microsoftonline.com/common/v2.0",
    );
  });
});
