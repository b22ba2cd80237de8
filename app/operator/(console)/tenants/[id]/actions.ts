"use server";

import { redirect } from "next/navigation";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { OperatorMayNotAct, requireActingOperator } from "@/lib/operators/access";
import { actionInput, applyOperatorAction } from "@/lib/operators/actions";

export type ActionFormState = { outcome: "idle" | "refused"; message?: string; reason?: string };

/** An operator changes a tenant: the gate and the role are checked here, the rule in the lifecycle. */
export async function operatorActionAction(_previous: ActionFormState, form: FormData): Promise<ActionFormState> {
  let access;
  try {
    access = await requireActingOperator();
  } catch (error) {
    if (error instanceof OperatorMayNotAct) {
      return { outcome: "refused", message: "Your role (Operator.Read) lets you read the console only." };
    }
    throw error;
  }
  const reason = String(form.get("reason") ?? "").slice(0, 600);
  const parsed = actionInput.safeParse({
    tenantId: form.get("tenantId"),
    action: form.get("action"),
    reason,
    confirmed: form.get("confirmed") ?? undefined,
    days: form.get("days") || undefined,
  });
  if (!parsed.success) return { outcome: "refused", message: parsed.error.issues[0]!.message, reason };
  const outcome = await applyOperatorAction(await db(), access, parsed.data, config().trial.days);
  if (!outcome.ok) return { outcome: "refused", message: outcome.message, reason };
  // The page shows the outcome: its actions change with the tenant's status.
  redirect(`/operator/tenants/${parsed.data.tenantId}?done=${parsed.data.action}`);
}
