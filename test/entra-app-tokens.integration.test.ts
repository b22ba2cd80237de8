// lib/entra (MSAL with the database token cache, Graph) and the tenant's organization details,
// against the local Entra ID emulator and an embedded database.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "@/emulator/server";
import { db } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/connection";
import { startPgliteServer, type PgliteServer } from "@/lib/db/pglite";
import { AppNotInstalledError, appTokenForTenant } from "@/lib/entra/msal";
import { decryptCache } from "@/lib/entra/token-cache";
import { config } from "@/lib/config";
import { rememberState, consumeStateAtCallback } from "@/lib/tenants/admin-signup";
import { completeAdminSignup } from "@/lib/tenants/admin-signup-complete";
import { refreshOrganization } from "@/lib/tenants/organization";
import { admitUser } from "@/lib/tenants/trial";
import { control, signIn, startTestEmulator, testApp } from "./entra-emulator";

const CONTOSO = "4a1e9b5c-2f3d-4c8a-9e6b-1d2c3b4a5f60";
const FABRIKAM = "5b2f0c6d-3e4a-4d9b-8f7c-2e3d4c5b6a71";
const NORTHWIND = "6c3a1d7e-4f5b-4e0c-9a8d-3f4e5d6c7b82";

let emulator: RunningEmulator;
let database: PgliteServer;

beforeAll(async () => {
  emulator = await startTestEmulator();
  database = await startPgliteServer();
  await migrateDatabase(database.url);
  // The app's configuration, as scripts/with-emulator.ts would give it (read by config() once).
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    DATABASE_POOL_MAX: "1",
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    AUTH_MICROSOFT_ENTRA_ID_ID: testApp.clientId,
    AUTH_MICROSOFT_ENTRA_ID_SECRET: testApp.secret,
    AUTH_MICROSOFT_ENTRA_ID_ISSUER: `${emulator.backUrl}/common/v2.0`,
    MICROSOFT_GRAPH_URL: emulator.backUrl,
  });
  // Contoso's administrator consents for the organization; Fabrikam's too (revoked below).
  await signIn(emulator, { username: "adele@contoso.com", consent: "accept-for-organization" });
  await signIn(emulator, { username: "ian@fabrikam.com", consent: "accept-for-organization" });
});
afterAll(async () => {
  await emulator?.stop();
  await database?.stop();
});

describe("app-only tokens from the tenant's own authority", () => {
  it("are acquired for a tenant where the app is installed, with its admin-consented roles", async () => {
    expect(await appTokenForTenant(CONTOSO)).toMatchObject({ tid: CONTOSO, roles: ["Organization.Read.All"] });
  });

  it("are cached in the database, encrypted, and served from there", async () => {
    const row = await (await db()).tokenCache.findUniqueOrThrow({ where: { partition: `app:${CONTOSO}` } });
    expect(row.data).not.toContain("eyJ"); // no JWT in clear
    expect(decryptCache(row.data, config().tokenCacheKey, `app:${CONTOSO}`)).toContain("AccessToken");
    expect(() => decryptCache(row.data, config().tokenCacheKey, `app:${FABRIKAM}`)).toThrow();

    // The token endpoint now fails: a cached token is still served.
    await control(emulator, "misbehave", { kind: "token-500" });
    expect(await appTokenForTenant(CONTOSO)).toMatchObject({ tid: CONTOSO });
    await control(emulator, "misbehave", { kind: "none" }); // unused: the token came from the cache
  });

  it("fail with AppNotInstalledError (AADSTS700016) where the app has no service principal", async () => {
    await expect(appTokenForTenant(NORTHWIND)).rejects.toBeInstanceOf(AppNotInstalledError);
    await expect(appTokenForTenant(NORTHWIND)).rejects.toMatchObject({ code: "700016" });
  });
});

describe("organization details", () => {
  it("fill the tenant's name and default domain from Microsoft Graph", async () => {
    const prisma = await db();
    await admitUser(
      prisma,
      { tid: CONTOSO, oid: "0a7c1f2e-1b3d-4e5f-8a9b-0c1d2e3f4a01" },
      { days: 30, mode: "customer" },
    );
    expect(await refreshOrganization(prisma, CONTOSO)).toBe("updated");
    expect(await prisma.tenant.findUniqueOrThrow({ where: { id: CONTOSO } })).toMatchObject({
      displayName: "Contoso",
      primaryDomain: "contoso.com",
      consentRevokedAt: null,
    });
  });

  it("mark a tenant whose administrator removed the app as consent-revoked, once, with an audit event", async () => {
    const prisma = await db();
    await admitUser(
      prisma,
      { tid: FABRIKAM, oid: "1b8d2a3f-2c4e-4f6a-9b0c-1d2e3f4a5b01" },
      { days: 30, mode: "customer" },
    );
    await control(emulator, `tenants/${FABRIKAM}/revoke`, { clientId: testApp.clientId });

    expect(await refreshOrganization(prisma, FABRIKAM, { retryDelaysMs: [0] })).toBe("revoked");
    expect(await refreshOrganization(prisma, FABRIKAM, { retryDelaysMs: [0] })).toBe("revoked");
    expect((await prisma.tenant.findUniqueOrThrow({ where: { id: FABRIKAM } })).consentRevokedAt).toBeInstanceOf(Date);
    expect(await prisma.auditEvent.count({ where: { tenantId: FABRIKAM, type: "tenant.consent_revoked" } })).toBe(1);
  });
});

describe("the admin sign-up's last step (proof 4, after the administrator's sign-in)", () => {
  const ADELE = "0a7c1f2e-1b3d-4e5f-8a9b-0c1d2e3f4a01";
  const NANCY = "2c9e3b4a-3d5f-4a7b-8c1d-2e3f4a5b6c01";
  const tokenRequests = async () =>
    ((await (await control(emulator, "stats")).json()) as { tokenRequests: number }).tokenRequests;

  /** A sign-up whose callback used its state, as /signup/callback leaves it. */
  async function flowAtSignIn() {
    const prisma = await db();
    const state = randomBytes(32).toString("base64url");
    await rememberState(prisma, state);
    const flow = await consumeStateAtCallback(prisma, state);
    expect(flow).not.toBeNull();
    // Used once: the same state at the callback again finds nothing.
    expect(await consumeStateAtCallback(prisma, state)).toBeNull();
    return flow!;
  }

  it("records the consent once the app-only token shows the application permissions, and only once", async () => {
    const prisma = await db();
    await admitUser(prisma, { tid: CONTOSO, oid: ADELE }, { days: 30, mode: "customer" });
    const flow = await flowAtSignIn();
    const progress = { stage: "verified" as const, tenant: CONTOSO, oid: ADELE, flow };
    expect(await completeAdminSignup(prisma, progress, { tenantId: CONTOSO, oid: ADELE })).toEqual({ ok: true });
    const consented = await prisma.auditEvent.findFirstOrThrow({
      where: { tenantId: CONTOSO, type: "tenant.admin_consented" },
    });
    expect(consented.detail).toMatchObject({ applicationPermissions: ["Organization.Read.All"] });
    // A replayed "verified" cookie completes nothing.
    expect(await completeAdminSignup(prisma, progress, { tenantId: CONTOSO, oid: ADELE })).toEqual({ ok: false });
    expect(await prisma.auditEvent.count({ where: { tenantId: CONTOSO, type: "tenant.admin_consented" } })).toBe(1);
  });

  it("asks Entra nothing for a browser whose signed-in person is not the verified administrator", async () => {
    const prisma = await db();
    const flow = await flowAtSignIn();
    const before = await tokenRequests();
    const progress = { stage: "verified" as const, tenant: FABRIKAM, oid: ADELE, flow };
    expect(await completeAdminSignup(prisma, progress, { tenantId: CONTOSO, oid: ADELE })).toEqual({ ok: false });
    expect(await completeAdminSignup(prisma, progress, null)).toEqual({ ok: false });
    expect(await tokenRequests()).toBe(before);
  });

  it("does not record an admin consent where the app is installed without its application permissions", async () => {
    // Nancy consents for herself only: Northwind gets the app's service principal, no app roles.
    await signIn(emulator, { username: "nancy@northwindtraders.com", consent: "accept" });
    const prisma = await db();
    await admitUser(prisma, { tid: NORTHWIND, oid: NANCY }, { days: 30, mode: "customer" });
    const flow = await flowAtSignIn();
    const progress = { stage: "verified" as const, tenant: NORTHWIND, oid: NANCY, flow };
    expect(await completeAdminSignup(prisma, progress, { tenantId: NORTHWIND, oid: NANCY })).toEqual({
      ok: false,
      reason: "permissions-missing",
    });
    expect(await prisma.tenant.findUniqueOrThrow({ where: { id: NORTHWIND } })).toMatchObject({ consentType: "USER" });
    const refusal = await prisma.auditEvent.findFirstOrThrow({
      where: { tenantId: NORTHWIND, type: "tenant.admin_signup_refused" },
    });
    expect(refusal.detail).toMatchObject({ reason: "permissions-missing", applicationPermissions: [] });
  });
});
