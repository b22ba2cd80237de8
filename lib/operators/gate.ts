// THE operator gate: whether a request may see or change the console (app/operator/). Beside the
// tenant gate (lib/tenants/gate.ts), and as strict: decided on the server for every page, read
// and action, from the operator session's row only (lib/operators/session.ts).
//
// Who gets in (issue "The operator console"): a person of the publisher's own tenant whose ID
// token carried the app role Operator (acts) or Operator.Read (reads), read at sign-in. A customer
// tenant's Global Administrator is nobody here; a session outlives neither OPERATOR_SESSION_MINUTES
// nor a change of the configured publisher tenant.

/** The app roles of the app registration (lib/entra/app-registration.ts) and what they allow. */
export const ROLE_OF_APP_ROLE: Record<string, "OPERATOR" | "READER"> = {
  Operator: "OPERATOR",
  "Operator.Read": "READER",
};

/** The strongest console role the token's `roles` claim grants; null for none. */
export function consoleRoleOf(roles: unknown): "OPERATOR" | "READER" | null {
  if (!Array.isArray(roles)) return null;
  if (roles.includes("Operator")) return "OPERATOR";
  if (roles.includes("Operator.Read")) return "READER";
  return null;
}

export type OperatorSessionRow = {
  tenantId: string;
  oid: string;
  name: string | null;
  email: string | null;
  role: string;
  expiresAt: Date;
};

declare const allowedOperator: unique symbol;

/** Proof that the operator gate let this request in; the console's data functions take it. */
export type OperatorAccess = {
  readonly [allowedOperator]: true;
  tenantId: string;
  oid: string;
  name: string | null;
  email: string | null;
  role: "OPERATOR" | "READER";
  /** For audit events: `operator:<tid>/<oid>`. */
  actorId: string;
};

export type OperatorDecision =
  | { kind: "allowed"; access: OperatorAccess }
  /** No console session, or it ended: sign in (again) with Microsoft. */
  | { kind: "signed-out" }
  /** The console is not configured (no publisher tenant). */
  | { kind: "off" };

export function decideOperatorAccess(
  row: OperatorSessionRow | null | undefined,
  publisherTenantId: string | null,
  now: Date = new Date(),
): OperatorDecision {
  if (!publisherTenantId) return { kind: "off" };
  if (!row || row.expiresAt.getTime() <= now.getTime()) return { kind: "signed-out" };
  if (row.tenantId.toLowerCase() !== publisherTenantId.toLowerCase()) return { kind: "signed-out" };
  if (row.role !== "OPERATOR" && row.role !== "READER") return { kind: "signed-out" };
  return {
    kind: "allowed",
    access: {
      tenantId: row.tenantId,
      oid: row.oid,
      name: row.name,
      email: row.email,
      role: row.role,
      actorId: `operator:${row.tenantId}/${row.oid}`,
    } as OperatorAccess,
  };
}

/** Whether the operator may change tenants (Operator), not only read (Operator.Read). */
export const mayAct = (access: OperatorAccess): boolean => access.role === "OPERATOR";

/** Why a console sign-in was refused: words for the refusal page. */
export type OperatorRefusal = "not-publisher" | "no-role" | "off";

/** Who may open a console session: the decision at sign-in, from the verified ID token. */
export function admitToConsole(
  identity: { tid: string; roles: unknown },
  publisherTenantId: string | null,
): { admitted: true; role: "OPERATOR" | "READER" } | { admitted: false; reason: OperatorRefusal } {
  if (!publisherTenantId) return { admitted: false, reason: "off" };
  if (identity.tid.toLowerCase() !== publisherTenantId.toLowerCase())
    return { admitted: false, reason: "not-publisher" };
  const role = consoleRoleOf(identity.roles);
  return role ? { admitted: true, role } : { admitted: false, reason: "no-role" };
}
