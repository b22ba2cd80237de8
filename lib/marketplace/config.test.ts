import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../config";
import { DEFAULT_MARKETPLACE_API_URL, parseMarketplaceConfig } from "./config";

const TENANT = "72F988BF-86F1-41AF-91AB-2D7CD011DB47";
const CLIENT = "4a1c3e5d-7b9f-4d2e-8c6a-1b3d5f7a9c2e";
const SECRET = "fulfillment~secret-value-that-must-never-be-echoed";
const SHA256 = "A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90";
const SHA1_WITH_COLONS = "0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D";

const rsaKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
const RSA_PEM = rsaKey.export({ type: "pkcs8", format: "pem" }).toString();
const RSA_PKCS1_PEM = rsaKey.export({ type: "pkcs1", format: "pem" }).toString();

const withSecret = { MARKETPLACE_TENANT_ID: TENANT, MARKETPLACE_CLIENT_ID: CLIENT, MARKETPLACE_CLIENT_SECRET: SECRET };

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseMarketplaceConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected the configuration to be refused");
}

const names = (problems: string[]) => problems.map((problem) => problem.split(":")[0]).sort();

describe("parseMarketplaceConfig", () => {
  it("is off when no MARKETPLACE_* variable is set, or only empty ones", () => {
    expect(parseMarketplaceConfig({})).toBeNull();
    expect(parseMarketplaceConfig({ AUTH_SECRET: "x".repeat(32) })).toBeNull();
    expect(parseMarketplaceConfig({ MARKETPLACE_TENANT_ID: "", MARKETPLACE_CLIENT_SECRET: "" })).toBeNull();
  });

  it("reads a client secret configuration, with Microsoft's API by default", () => {
    expect(parseMarketplaceConfig(withSecret)).toEqual({
      tenantId: TENANT.toLowerCase(),
      clientId: CLIENT,
      credential: { kind: "secret", secret: SECRET },
      apiUrl: DEFAULT_MARKETPLACE_API_URL,
    });
  });

  it("takes another https API URL (a local marketplace), without its trailing slash", () => {
    const config = parseMarketplaceConfig({ ...withSecret, MARKETPLACE_API_URL: "https://localhost:4443/api/" });
    expect(config?.apiUrl).toBe("https://localhost:4443/api");
  });

  it("refuses an API URL that is not https, or carries credentials or a query", () => {
    for (const url of [
      "http://marketplaceapi.microsoft.com/api",
      "https://user:pw@example.com/api",
      "https://x.test/api?a=1",
      "nope",
    ]) {
      expect(problemsOf({ ...withSecret, MARKETPLACE_API_URL: url })).toEqual([
        `MARKETPLACE_API_URL: expected an https:// URL such as ${DEFAULT_MARKETPLACE_API_URL}`,
      ]);
    }
  });

  it("reads a certificate configuration: SHA-256 thumbprint, PKCS#8 key", () => {
    const config = parseMarketplaceConfig({
      MARKETPLACE_TENANT_ID: TENANT,
      MARKETPLACE_CLIENT_ID: CLIENT,
      MARKETPLACE_CLIENT_CERTIFICATE: RSA_PEM,
      MARKETPLACE_CLIENT_CERTIFICATE_THUMBPRINT: SHA256,
    });
    expect(config?.credential).toEqual({
      kind: "certificate",
      privateKey: RSA_PEM.trim(),
      thumbprint: SHA256.toLowerCase(),
      thumbprintAlgorithm: "sha256",
    });
  });

  it("takes the portal's SHA-1 thumbprint with colons, a PKCS#1 key with literal \\n, and a PEM that holds the certificate too", () => {
    const bundle = `-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n${RSA_PKCS1_PEM}`;
    for (const pem of [RSA_PKCS1_PEM.replace(/\n/g, "\\n"), bundle]) {
      const config = parseMarketplaceConfig({
        MARKETPLACE_TENANT_ID: TENANT,
        MARKETPLACE_CLIENT_ID: CLIENT,
        MARKETPLACE_CLIENT_CERTIFICATE: pem,
        MARKETPLACE_CLIENT_CERTIFICATE_THUMBPRINT: SHA1_WITH_COLONS,
      });
      expect(config?.credential).toEqual({
        kind: "certificate",
        privateKey: RSA_PKCS1_PEM.trim(),
        thumbprint: "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d",
        thumbprintAlgorithm: "sha1",
      });
    }
  });

  it("refuses a key that is not an unencrypted RSA private key, and a thumbprint that is not one", () => {
    const ecPem = generateKeyPairSync("ec", { namedCurve: "P-256" })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    const encrypted = rsaKey
      .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "pw" })
      .toString();
    for (const pem of [ecPem, encrypted, "not a key", RSA_PEM.replace(/[A-Za-z]{10}/, "!!!!!!!!!!")]) {
      const problems = problemsOf({
        MARKETPLACE_TENANT_ID: TENANT,
        MARKETPLACE_CLIENT_ID: CLIENT,
        MARKETPLACE_CLIENT_CERTIFICATE: pem,
        MARKETPLACE_CLIENT_CERTIFICATE_THUMBPRINT: SHA256,
      });
      expect(names(problems)).toEqual(["MARKETPLACE_CLIENT_CERTIFICATE"]);
      expect(problems.join("\n")).not.toContain("PRIVATE KEY-----\n");
    }
    const problems = problemsOf({
      MARKETPLACE_TENANT_ID: TENANT,
      MARKETPLACE_CLIENT_ID: CLIENT,
      MARKETPLACE_CLIENT_CERTIFICATE: RSA_PEM,
      MARKETPLACE_CLIENT_CERTIFICATE_THUMBPRINT: "abc123",
    });
    expect(problems).toEqual([
      "MARKETPLACE_CLIENT_CERTIFICATE_THUMBPRINT: expected the certificate's thumbprint in hex: 64 digits (SHA-256) or 40 (SHA-1, as the Entra portal shows it)",
    ]);
  });

  it("names every missing variable of a partial configuration", () => {
    const onlyTenant = problemsOf({ MARKETPLACE_TENANT_ID: TENANT });
    expect(names(onlyTenant)).toEqual(["MARKETPLACE_CLIENT_ID", "MARKETPLACE_CLIENT_SECRET"]);
    expect(onlyTenant.find((problem) => problem.startsWith("MARKETPLACE_CLIENT_ID"))).toContain(
      "required: the marketplace is configured (MARKETPLACE_TENANT_ID set)",
    );

    // A URL alone shows intent too: a forgotten credential must not silently turn the marketplace off.
    expect(names(problemsOf({ MARKETPLACE_API_URL: DEFAULT_MARKETPLACE_API_URL }))).toEqual([
      "MARKETPLACE_CLIENT_ID",
      "MARKETPLACE_CLIENT_SECRET",
      "MARKETPLACE_TENANT_ID",
    ]);
  });

  it("wants exactly one credential: a secret, or a certificate with its thumbprint", () => {
    const both = problemsOf({
      ...withSecret,
      MARKETPLACE_CLIENT_CERTIFICATE: RSA_PEM,
      MARKETPLACE_CLIENT_CERTIFICATE_THUMBPRINT: SHA256,
    });
    expect(both).toEqual([
      "MARKETPLACE_CLIENT_SECRET: set MARKETPLACE_CLIENT_SECRET or MARKETPLACE_CLIENT_CERTIFICATE with MARKETPLACE_CLIENT_CERTIFICATE_THUMBPRINT, not both",
    ]);
    const base = { MARKETPLACE_TENANT_ID: TENANT, MARKETPLACE_CLIENT_ID: CLIENT };
    expect(names(problemsOf({ ...base, MARKETPLACE_CLIENT_CERTIFICATE: RSA_PEM }))).toEqual([
      "MARKETPLACE_CLIENT_CERTIFICATE_THUMBPRINT",
    ]);
    expect(names(problemsOf({ ...base, MARKETPLACE_CLIENT_CERTIFICATE_THUMBPRINT: SHA256 }))).toEqual([
      "MARKETPLACE_CLIENT_CERTIFICATE",
    ]);
    expect(names(problemsOf(base))).toEqual(["MARKETPLACE_CLIENT_SECRET"]);
  });

  it("refuses ids that are not GUIDs, and never repeats a value in its messages", () => {
    const problems = problemsOf({
      ...withSecret,
      MARKETPLACE_TENANT_ID: "contoso.onmicrosoft.com",
      MARKETPLACE_CLIENT_ID: SECRET,
    });
    expect(names(problems)).toEqual(["MARKETPLACE_CLIENT_ID", "MARKETPLACE_TENANT_ID"]);
    expect(problems.join("\n")).not.toContain(SECRET);
    expect(problems.join("\n")).not.toContain("contoso.onmicrosoft.com");
  });
});
