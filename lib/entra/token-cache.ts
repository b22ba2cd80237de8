// MSAL's token cache in the database, so every server instance (serverless hosts run several)
// shares it: one row per partition, encrypted at rest with AES-256-GCM. The partition name is
// bound to the ciphertext as associated data, so a row copied under another name does not open.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { ICachePlugin, TokenCacheContext } from "@azure/msal-node";
import type { Database } from "../db/client";

const TAG_BYTES = 16;

export function encryptCache(plaintext: string, key: Buffer, partition: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(partition));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64");
}

export function decryptCache(data: string, key: Buffer, partition: string): string {
  const raw = Buffer.from(data, "base64");
  // The tag length stated, not taken from the data: a shortened tag must not be accepted
  // (NIST SP 800-38D §5.2.1.2; Node's createDecipheriv takes any length it is given otherwise).
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(partition));
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - TAG_BYTES)), decipher.final()]).toString("utf8");
}

/** A cache plugin for one partition: `app:<tid>` for app-only tokens, `user:<tid>/<oid>` for delegated ones. */
export function databaseCachePlugin(db: () => Promise<Database>, partition: string, key: Buffer): ICachePlugin {
  return {
    async beforeCacheAccess(context: TokenCacheContext) {
      const row = await (await db()).tokenCache.findUnique({ where: { partition } });
      if (!row) return;
      try {
        context.tokenCache.deserialize(decryptCache(row.data, key, partition));
      } catch {
        // Another key (rotated) or a damaged row: start empty, the next write replaces it.
      }
    },
    async afterCacheAccess(context: TokenCacheContext) {
      if (!context.cacheHasChanged) return;
      const data = encryptCache(context.tokenCache.serialize(), key, partition);
      await (await db()).tokenCache.upsert({ where: { partition }, create: { partition, data }, update: { data } });
    },
  };
}
