// The operator's changes to a tenant: approve a pending trial, extend a trial, activate, suspend,
// reinstate. Each one goes through the tenant lifecycle (lib/tenants/lifecycle.ts), the same code
// path as `npm run tenants`, with the operator (tid, oid, name) and a required reason in its audit
// event. A change the lifecycle refuses says why, in the lifecycle's words.
import { z } from "zod";
import type { Database } from "../db/client";
import { applyTransition, TransitionRefused, TenantNotFound, type TransitionName } from "../tenants/lifecycle";
import { mayAct, type OperatorAccess } from "./gate";

export const OPERATOR_ACTIONS = ["approve", "extend", "activate", "suspend", "reinstate"] as const;
export type OperatorAction = (typeof OPERATOR_ACTIONS)[number];

const TRANSITION: Record<OperatorAction, TransitionName> = {
  approve: "approveTrial",
  extend: "extendTrial",
  activate: "activate",
  suspend: "suspend",
  reinstate: "reinstate",
};

export const actionInput = z.object({
  tenantId: z.uuid({ error: "No such tenant." }),
  action: z.enum(OPERATOR_ACTIONS, { error: "Choose an action." }),
  reason: z
    .string({ error: "Give a reason: it is kept in the audit log." })
    .trim()
    .min(3, "Give a reason: it is kept in the audit log.")
    .max(500, "Keep the reason under 500 characters."),
  confirmed: z.literal("yes", { error: "Tick the box to confirm." }),
  days: z.coerce.number({ error: "Days: a whole number from 1 to 365." }).int().min(1).max(365).optional(),
});

export type ActionOutcome = { ok: true; status: string } | { ok: false; message: string };

export async function applyOperatorAction(
  prisma: Database,
  access: OperatorAccess,
  input: z.infer<typeof actionInput>,
  trialDays: number,
): Promise<ActionOutcome> {
  // Checked here too, whatever the page showed: Operator.Read reads only.
  if (!mayAct(access)) return { ok: false, message: "Your role (Operator.Read) lets you read the console only." };
  const days = input.action === "approve" ? trialDays : input.action === "extend" ? input.days : undefined;
  if (input.action === "extend" && !days) return { ok: false, message: "Days: a whole number from 1 to 365." };
  try {
    const tenant = await applyTransition(
      prisma,
      input.tenantId,
      TRANSITION[input.action],
      { trigger: "operator", id: access.actorId, reason: input.reason },
      { days, detail: { operator: access.name ?? access.email ?? access.oid } },
    );
    return { ok: true, status: tenant.status };
  } catch (error) {
    if (error instanceof TransitionRefused) return { ok: false, message: error.message };
    if (error instanceof TenantNotFound) return { ok: false, message: "No such tenant." };
    throw error;
  }
}
