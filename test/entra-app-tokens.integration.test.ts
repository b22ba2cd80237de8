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

    expect(await refreshOrganization(prisma, FABRIKAM)).toBe("revoked");
    expect(await refreshOrganization(prisma, FABRIKAM)).toBe("revoked");
    expect((await prisma.tenant.findUniqueOrThrow({ where: { id: FABRIKAM } })).consentRevokedAt).toBeInstanceOf(Date);
    expect(await prisma.auditEvent.count({ where: { tenantId: FABRIKAM, type: "tenant.consent_revoked" } })).toBe(1);
  });
});
