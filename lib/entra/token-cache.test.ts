import { randomBytes } from "node:crypto";
import { describe, expect, it, vi } from "vitest";

// Spy on the cipher constructors to see what the module asks Node's crypto for.
const calls = vi.hoisted(() => ({ decipher: [] as unknown[][], cipher: [] as unknown[][] }));
vi.mock("node:crypto", async (importOriginal) => {
  const crypto = await importOriginal<typeof import("node:crypto")>();
  return {
    ...crypto,
    createDecipheriv: (...args: Parameters<typeof crypto.createDecipheriv>) => {
      calls.decipher.push(args);
      return crypto.createDecipheriv(...args);
    },
    createCipheriv: (...args: Parameters<typeof crypto.createCipheriv>) => {
      calls.cipher.push(args);
      return crypto.createCipheriv(...args);
    },
  };
});

const { decryptCache, encryptCache } = await import("./token-cache");

describe("the token cache's encryption", () => {
  const key = randomBytes(32);

  it("round-trips, bound to its partition", () => {
    const sealed = encryptCache('{"AccessToken":{}}', key, "app:contoso");
    expect(decryptCache(sealed, key, "app:contoso")).toBe('{"AccessToken":{}}');
    expect(() => decryptCache(sealed, key, "app:fabrikam")).toThrow();
  });

  it("states the 16-byte tag length when decrypting, never taking it from the data", () => {
    calls.decipher.length = 0;
    decryptCache(encryptCache("x", key, "p"), key, "p");
    expect(calls.decipher[0]?.[3]).toEqual({ authTagLength: 16 });
    expect(calls.cipher.at(-1)?.[3]).toEqual({ authTagLength: 16 });
  });

  it("refuses a row whose tag was cut short", () => {
    const raw = Buffer.from(encryptCache("secret tokens", key, "p"), "base64");
    const short = Buffer.concat([raw.subarray(0, raw.length - 16), raw.subarray(raw.length - 16, raw.length - 12)]);
    expect(() => decryptCache(short.toString("base64"), key, "p")).toThrow();
  });
});
