// The operator gate, asked by a request: pages, reads and every server action of the console.
import { cache } from "react";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { config } from "../config";
import { db } from "../db/client";
import { readOrUnavailable } from "../db/outage-redirect";
import { decideOperatorAccess, mayAct, type OperatorAccess, type OperatorDecision } from "./gate";
import { findOperatorSession, operatorCookie } from "./session";

export const currentOperator = cache(async (): Promise<OperatorDecision> => {
  const settings = config();
  const token = (await cookies()).get(operatorCookie(settings.auth.url).name)?.value;
  const row = settings.operators ? await readOrUnavailable(async () => findOperatorSession(await db(), token)) : null;
  return decideOperatorAccess(row, settings.operators?.tenantId ?? null);
});

/** For the console's pages and reads: the access, or the sign-in page. */
export async function requireOperator(): Promise<OperatorAccess> {
  const decision = await currentOperator();
  if (decision.kind === "off") redirect("/operator/signin?console=off");
  if (decision.kind !== "allowed") redirect("/operator/signin");
  return decision.access;
}

export class OperatorMayNotAct extends Error {
  constructor() {
    super("Operator.Read allows reading the console only");
    this.name = "OperatorMayNotAct";
  }
}

/** For every change: an operator with the Operator role, checked again in the action itself. */
export async function requireActingOperator(): Promise<OperatorAccess> {
  const access = await requireOperator();
  if (!mayAct(access)) throw new OperatorMayNotAct();
  return access;
}
