// App roles, as Entra ID keeps them: defined on the app registration (its `appRoles`), assigned
// in a tenant to a user of that tenant (an appRoleAssignment names the role by its id), and
// emitted as the `roles` claim of that user's ID token ("Add app roles to your application and
// receive them in the token", https://learn.microsoft.com/entra/identity-platform/howto-add-app-roles-in-apps).
import type { Account, Directory } from "./directory";

/** Microsoft Graph's appRole resource type. */
export type AppRole = {
  id: string;
  value: string;
  displayName: string;
  description?: string;
  allowedMemberTypes: ("User" | "Application")[];
  isEnabled: boolean;
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MEMBER_TYPES = ["User", "Application"] as const;
/** appRole `value`: at most 120 characters, no white space, not starting with a dot (appRole resource type). */
const ROLE_VALUE = /^(?!\.)[^\s]{1,120}$/;

/** An app registration's `appRoles` from a control request, or the reason it is refused. */
export function parseAppRoles(value: unknown): AppRole[] | string {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return "appRoles must be an array";
  const roles: AppRole[] = [];
  for (const [index, raw] of value.entries()) {
    const at = `appRoles[${index}]`;
    if (typeof raw !== "object" || raw === null) return `${at} must be an object`;
    const role = raw as Record<string, unknown>;
    if (typeof role.id !== "string" || !GUID.test(role.id)) return `${at}.id must be a GUID`;
    if (typeof role.value !== "string" || !ROLE_VALUE.test(role.value))
      return `${at}.value must be 1 to 120 characters, no spaces, not starting with "."`;
    if (typeof role.displayName !== "string" || !role.displayName) return `${at}.displayName is required`;
    const types = role.allowedMemberTypes;
    if (
      !Array.isArray(types) ||
      types.length === 0 ||
      !types.every((type) => MEMBER_TYPES.includes(type as (typeof MEMBER_TYPES)[number]))
    )
      return `${at}.allowedMemberTypes must list "User", "Application" or both`;
    if (role.description !== undefined && typeof role.description !== "string")
      return `${at}.description must be a string`;
    if (role.isEnabled !== undefined && typeof role.isEnabled !== "boolean")
      return `${at}.isEnabled must be true or false`;
    const id = role.id.toLowerCase();
    if (roles.some((other) => other.id === id || other.value === role.value))
      return `${at}: another role has its id or value`;
    roles.push({
      id,
      value: role.value,
      displayName: role.displayName,
      ...(role.description === undefined ? {} : { description: role.description }),
      allowedMemberTypes: types as AppRole["allowedMemberTypes"],
      isEnabled: role.isEnabled !== false,
    });
  }
  return roles;
}

/** One assignment as the control API lists it. */
export type RoleAssignment = { tenantId: string; oid: string; role: string; appRoleId: string };

/**
 * Who holds which role of which app, per tenant: the "Users and groups" of each tenant's
 * enterprise application. Kept by role id, so the claim carries the role's current value.
 */
export class RoleAssignmentStore {
  /** `${clientId}/${tenantId}/${oid}` → the assigned role ids. */
  private readonly assignments = new Map<string, Set<string>>();

  private key(clientId: string, tenantId: string, oid: string) {
    return `${clientId}/${tenantId}/${oid}`;
  }

  assign(clientId: string, account: Account, role: AppRole): void {
    const key = this.key(clientId, account.tenantId, account.oid);
    this.assignments.set(key, new Set([...(this.assignments.get(key) ?? []), role.id]));
  }

  remove(clientId: string, account: Account, role: AppRole): boolean {
    const key = this.key(clientId, account.tenantId, account.oid);
    const held = this.assignments.get(key);
    const removed = held?.delete(role.id) ?? false;
    if (held?.size === 0) this.assignments.delete(key);
    return removed;
  }

  list(clientId: string, appRoles: AppRole[]): RoleAssignment[] {
    const found: RoleAssignment[] = [];
    for (const [key, ids] of this.assignments) {
      const [app, tenantId, oid] = key.split("/") as [string, string, string];
      if (app !== clientId) continue;
      for (const id of ids) {
        found.push({ tenantId, oid, role: appRoles.find((role) => role.id === id)?.value ?? "", appRoleId: id });
      }
    }
    return found;
  }

  /**
   * The `roles` claim of `account` signed in to the app: the values of the enabled roles assigned
   * to that account object, in the tenant it belongs to (a guest's: the tenant that invited them).
   * Undefined without any, as Entra then leaves the claim out.
   */
  rolesClaim(clientId: string, appRoles: AppRole[], account: Account): string[] | undefined {
    const ids = this.assignments.get(this.key(clientId, account.tenantId, account.oid));
    const values = appRoles.filter((role) => role.isEnabled && ids?.has(role.id)).map((role) => role.value);
    return values.length ? values : undefined;
  }

  /** An app registered anew starts with no assignments. */
  forgetApp(clientId: string): void {
    for (const key of this.assignments.keys()) if (key.startsWith(`${clientId}/`)) this.assignments.delete(key);
  }

  /** A deleted user's assignments go with them: keep those of accounts `directory` still has. */
  keepAccountsOf(directory: Directory): void {
    for (const key of this.assignments.keys()) {
      const [, tenantId, oid] = key.split("/");
      if (!directory.accounts.some((account) => account.tenantId === tenantId && account.oid === oid))
        this.assignments.delete(key);
    }
  }
}
