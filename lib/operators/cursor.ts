// The cursor of a keyset page: the last row's sort key and id, as base64url JSON. Opaque to
// people; read back strictly (a cursor that is not ours is no cursor: the first page).
import { GUID } from "../guid";

export function encodeCursor(key: Date | null, id: string): string {
  return Buffer.from(JSON.stringify([key?.toISOString() ?? null, id])).toString("base64url");
}

export function decodeCursor(cursor: string | undefined): { key: Date | null; id: string } | null {
  if (!cursor) return null;
  try {
    const [key, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [unknown, unknown];
    if (typeof id !== "string" || !GUID.test(id)) return null;
    if (key !== null && (typeof key !== "string" || Number.isNaN(Date.parse(key)))) return null;
    return { key: key === null ? null : new Date(key), id };
  } catch {
    return null;
  }
}
