// The emulator's token signing keys: RS256, published in a JWKS, rotated on demand. A rotated
// key stays in the JWKS for a grace period, so tokens it signed still verify, as in Entra.
import { randomBytes } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from "jose";

type SigningKey = { kid: string; privateKey: CryptoKey; publicJwk: JWK; retiresAt?: number };

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
  // Entra's kid is the certificate thumbprint, also sent as x5t: 27 base64url characters.
  const kid = randomBytes(20).toString("base64url");
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, kty: "RSA", use: "sig", x5t: kid } };
}

export class SigningKeys {
  private constructor(
    private active: SigningKey,
    private retired: SigningKey[] = [],
  ) {}

  static async create(): Promise<SigningKeys> {
    return new SigningKeys(await newKey());
  }

  /** Makes a new active key; the old one is still published for `graceMs`. */
  async rotate(graceMs: number): Promise<{ kid: string; retiredKid: string }> {
    const previous = this.active;
    this.active = await newKey();
    this.retired.push({ ...previous, retiresAt: Date.now() + graceMs });
    return { kid: this.active.kid, retiredKid: previous.kid };
  }

  /** The published key set; each key names the issuer template it is valid for, as Entra's do. */
  jwks(issuer: string): { keys: JWK[] } {
    const now = Date.now();
    this.retired = this.retired.filter((key) => (key.retiresAt ?? 0) > now);
    return { keys: [this.active, ...this.retired].map((key) => ({ ...key.publicJwk, issuer })) };
  }

  sign(payload: JWTPayload, header: Record<string, unknown> = {}, key: SigningKey = this.active): Promise<string> {
    return new SignJWT(payload)
      .setProtectedHeader({ typ: "JWT", alg: "RS256", kid: key.kid, x5t: key.kid, ...header })
      .sign(key.privateKey);
  }

  /**
   * Signs with a key that was never published, as an attacker would: optionally pointing at it
   * from the header (`jwk` embeds it; `jku`/`x5u` name a URL of the attacker's).
   */
  async signWithUnpublishedKey(
    payload: JWTPayload,
    options: { embedJwk?: boolean; header?: Record<string, unknown> } = {},
  ): Promise<string> {
    const key = await newKey();
    return this.sign(payload, { ...(options.embedJwk ? { jwk: key.publicJwk } : {}), ...options.header }, key);
  }

  /** The active public key, as JWK (for misbehaviours that abuse it). */
  activePublicJwk(): JWK {
    return this.active.publicJwk;
  }

  /** Verification keys by kid: the active one and those still in their grace period. */
  publicJwk(kid: string | undefined): JWK | undefined {
    return this.jwks("").keys.find((key) => key.kid === kid);
  }
}
