// The emulated directory: tenants, their people, and what each tenant has consented to.
// The seed below is documented in README.md ("The local Entra ID emulator").

/** The tenant of personal Microsoft accounts (outlook.com, hotmail.com, ...). */
export const PERSONAL_ACCOUNTS_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad";

/**
 * Adatum Software: the ISV itself, the publisher of the offers of the local marketplace
 * (emulator/marketplace/). Its tenant holds the single-tenant fulfillment app.
 */
export const PUBLISHER_TENANT_ID = "7d4b2e8f-5a6c-4f1d-ab9e-4a5f6e7d8c93";

/**
 * Pat Operator, pat@adatum.com: the ISV's own operator. The launchers (scripts/with-emulator.ts,
 * e2e/support/emulator-process.ts) assign Pat the sign-in app's role Operator.
 */
export const DEMO_OPERATOR = { tenantId: PUBLISHER_TENANT_ID, oid: "3d0f4c5b-4e6a-4b8c-9d2e-3f4a5b6c7d01" } as const;

/** Directory role template ids, as they appear in the `wids` claim. */
export const roles = {
  globalAdministrator: "62e90394-69f5-4237-9190-012177145e10",
  privilegedRoleAdministrator: "e8611ab8-c189-46e8-94e1-60213ab1f814",
  cloudApplicationAdministrator: "158c047a-c907-4556-b7ef-446551a6b5f7",
  applicationAdministrator: "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
  /** Every member user has it in `wids`. */
  user: "b79fbf4d-3ef9-4689-8143-76b194e85509",
} as const;

/** Roles allowed to grant tenant-wide (admin) consent. */
export const consentAdminRoles: readonly string[] = [
  roles.globalAdministrator,
  roles.privilegedRoleAdministrator,
  roles.cloudApplicationAdministrator,
  roles.applicationAdministrator,
];

export type Tenant = {
  id: string;
  displayName: string;
  /** Verified domains; the first is the default one. The initial *.onmicrosoft.com is added. */
  domains: string[];
  initialDomain: string;
  /** When false, only administrators can consent to apps (Entra's "Do not allow user consent"). */
  userConsentAllowed: boolean;
  personal?: boolean;
};

export type Account = {
  tenantId: string;
  oid: string;
  name: string;
  username: string;
  email?: string;
  wids: string[];
  /** A guest: the tenant that holds the person's real account. */
  homeTenantId?: string;
};

export type Directory = { tenants: Map<string, Tenant>; accounts: Account[] };

export function isConsentAdmin(account: Account): boolean {
  return account.wids.some((role) => consentAdminRoles.includes(role));
}

export const seed = {
  contoso: "4a1e9b5c-2f3d-4c8a-9e6b-1d2c3b4a5f60",
  fabrikam: "5b2f0c6d-3e4a-4d9b-8f7c-2e3d4c5b6a71",
  northwind: "6c3a1d7e-4f5b-4e0c-9a8d-3f4e5d6c7b82",
  adatum: PUBLISHER_TENANT_ID,
} as const;

export function seedDirectory(): Directory {
  const tenants: Tenant[] = [
    {
      id: seed.contoso,
      displayName: "Contoso",
      domains: ["contoso.com"],
      initialDomain: "contoso.onmicrosoft.com",
      userConsentAllowed: true,
    },
    {
      id: seed.fabrikam,
      displayName: "Fabrikam",
      domains: ["fabrikam.com"],
      initialDomain: "fabrikam.onmicrosoft.com",
      userConsentAllowed: false,
    },
    {
      id: seed.northwind,
      displayName: "Northwind Traders",
      domains: ["northwindtraders.com"],
      initialDomain: "northwindtraders.onmicrosoft.com",
      userConsentAllowed: true,
    },
    {
      id: seed.adatum,
      displayName: "Adatum Software",
      domains: ["adatum.com"],
      initialDomain: "adatum.onmicrosoft.com",
      userConsentAllowed: true,
    },
    {
      id: PERSONAL_ACCOUNTS_TENANT,
      displayName: "Microsoft Accounts",
      domains: [],
      initialDomain: "live.com",
      userConsentAllowed: true,
      personal: true,
    },
  ];
  const member = (tenantId: string, oid: string, name: string, username: string, admin = false): Account => ({
    tenantId,
    oid,
    name,
    username,
    email: username,
    wids: admin ? [roles.globalAdministrator, roles.user] : [roles.user],
  });
  const accounts: Account[] = [
    member(seed.contoso, "0a7c1f2e-1b3d-4e5f-8a9b-0c1d2e3f4a01", "Adele Vance", "adele@contoso.com", true),
    member(seed.contoso, "0a7c1f2e-1b3d-4e5f-8a9b-0c1d2e3f4a02", "Megan Bowen", "megan@contoso.com"),
    member(seed.contoso, "0a7c1f2e-1b3d-4e5f-8a9b-0c1d2e3f4a03", "Alex Wilber", "alex@contoso.com"),
    member(seed.fabrikam, "1b8d2a3f-2c4e-4f6a-9b0c-1d2e3f4a5b01", "Ian Brooks", "ian@fabrikam.com", true),
    member(seed.fabrikam, "1b8d2a3f-2c4e-4f6a-9b0c-1d2e3f4a5b02", "Jordan Lee", "jordan@fabrikam.com"),
    {
      // Megan of Contoso, invited into Fabrikam as a guest: her own object in Fabrikam.
      tenantId: seed.fabrikam,
      oid: "1b8d2a3f-2c4e-4f6a-9b0c-1d2e3f4a5b03",
      name: "Megan Bowen (Contoso guest)",
      username: "megan_contoso.com#EXT#@fabrikam.onmicrosoft.com",
      email: "megan@contoso.com",
      wids: [],
      homeTenantId: seed.contoso,
    },
    member(seed.northwind, "2c9e3b4a-3d5f-4a7b-8c1d-2e3f4a5b6c01", "Nancy Davolio", "nancy@northwindtraders.com"),
    // The ISV's own operator, in the publisher tenant.
    member(seed.adatum, DEMO_OPERATOR.oid, "Pat Operator", "pat@adatum.com", true),
    // Of the publisher tenant too, with no operator role: the operator console turns Lee away.
    member(seed.adatum, "3d0f4c5b-4e6a-4b8c-9d2e-3f4a5b6c7d02", "Lee Gu", "lee@adatum.com"),
    {
      tenantId: PERSONAL_ACCOUNTS_TENANT,
      oid: "00000000-0000-0000-6b2a-3c4d5e6f7a81",
      name: "Sam Taylor",
      username: "sam.taylor@outlook.com",
      email: "sam.taylor@outlook.com",
      wids: [],
    },
    {
      // A second personal account: personal accounts share the tenant id, never a workspace.
      tenantId: PERSONAL_ACCOUNTS_TENANT,
      oid: "00000000-0000-0000-7c3b-4d5e6f7a8b92",
      name: "Chris Green",
      username: "chris.green@hotmail.com",
      email: "chris.green@hotmail.com",
      wids: [],
    },
  ];
  return { tenants: new Map(tenants.map((tenant) => [tenant.id, tenant])), accounts };
}
