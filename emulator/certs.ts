// A local certificate authority and a certificate for localhost, so the emulator's back channel
// speaks HTTPS: oauth4webapi (under Auth.js) and MSAL refuse plain-HTTP authorities. The app's
// server process trusts the CA through NODE_EXTRA_CA_CERTS, set when it starts (scripts/
// with-emulator.ts). Browsers never see this certificate: the pages they open are plain HTTP
// on localhost (see server.ts).
import { webcrypto } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
// @peculiar/x509 needs the Reflect metadata API (tsyringe inside it); load it first.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export type TlsFiles = {
  /** PEM of the CA, for NODE_EXTRA_CA_CERTS. */
  caPath: string;
  ca: string;
  cert: string;
  key: string;
};

const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY = 24 * 60 * 60 * 1000;

function pem(label: string, der: ArrayBuffer): string {
  const body = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${body}${body.endsWith("\n") ? "" : "\n"}-----END ${label}-----\n`;
}

async function createTlsFiles(): Promise<Omit<TlsFiles, "caPath">> {
  const now = Date.now();
  const caKeys = await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=AppSource SaaS Starter local Entra ID emulator CA",
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 825 * DAY),
    keys: caKeys as CryptoKeyPair,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey as CryptoKey),
    ],
  });

  const serverKeys = await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
  const serverCert = await x509.X509CertificateGenerator.create({
    serialNumber: "02",
    subject: "CN=localhost",
    issuer: caCert.subject,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 825 * DAY),
    publicKey: serverKeys.publicKey as CryptoKey,
    signingKey: caKeys.privateKey as CryptoKey,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: "dns", value: "localhost" },
        { type: "ip", value: "127.0.0.1" },
        { type: "ip", value: "::1" },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey as CryptoKey),
    ],
  });

  return {
    ca: caCert.toString("pem") + "\n",
    cert: serverCert.toString("pem") + "\n",
    key: pem("PRIVATE KEY", await webcrypto.subtle.exportKey("pkcs8", serverKeys.privateKey as CryptoKey)),
  };
}

/**
 * The CA and server certificate kept in `dir` (created on first use, reused afterwards, so a
 * process started earlier with NODE_EXTRA_CA_CERTS keeps trusting the emulator).
 */
export async function loadOrCreateTlsFiles(dir: string): Promise<TlsFiles> {
  const files = {
    ca: path.join(dir, "ca.pem"),
    cert: path.join(dir, "localhost.pem"),
    key: path.join(dir, "localhost-key.pem"),
  };
  try {
    const [ca, cert, key] = await Promise.all([files.ca, files.cert, files.key].map((file) => readFile(file, "utf8")));
    const expires = new x509.X509Certificate(cert!).notAfter.getTime();
    if (expires - Date.now() > 30 * DAY) return { caPath: files.ca, ca: ca!, cert: cert!, key: key! };
  } catch {
    // Missing or unreadable: make new ones.
  }
  const created = await createTlsFiles();
  await mkdir(dir, { recursive: true });
  await writeFile(files.ca, created.ca);
  await writeFile(files.cert, created.cert);
  await writeFile(files.key, created.key, { mode: 0o600 });
  return { caPath: files.ca, ...created };
}
