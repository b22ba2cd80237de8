// Which workspace (tenant row) a signed-in person belongs to. An organization's people share its
// Entra tenant id. Personal Microsoft accounts all carry the same tid (9188040d-...): keyed by it,
// every outlook.com user would share one workspace, one trial and one first admin. Each personal
// account gets a workspace of its own instead, its id derived from the account's oid, so it is
// never merged with anyone else's (../SECURITY.md "Personal accounts").
import { createHash } from "node:crypto";
import { PERSONAL_ACCOUNTS_TENANT } from "../auth/id-token";

/** The UUID namespace of personal workspaces (random, fixed forever: changing it orphans them). */
const PERSONAL_WORKSPACE_NAMESPACE = "3f6c1d2a-8b4e-4f7a-9c5d-6e1f2a3b4c5d";

/** A name-based UUID (RFC 9562 §5.5, version 5) of `name` in `namespace`. */
function uuidV5(namespace: string, name: string): string {
  const hash = createHash("sha1")
    .update(Buffer.from(namespace.replace(/-/g, ""), "hex"))
    .update(name, "utf8")
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const isPersonalAccount = (tid: string) => tid.toLowerCase() === PERSONAL_ACCOUNTS_TENANT;

/** The tenant row of a person: the organization's tid, or a personal account's own workspace. */
export function workspaceIdFor(tid: string, oid: string): string {
  return isPersonalAccount(tid) ? uuidV5(PERSONAL_WORKSPACE_NAMESPACE, oid.toLowerCase()) : tid.toLowerCase();
}
