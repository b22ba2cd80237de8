// "SaaS fulfillment Operations APIs v2": the pending operations of a subscription, one operation,
// and the publisher's answer to one (Success or Failure). An operation the publisher started
// (change plan, change quantity, cancel) stays InProgress for the operationDelayMs setting, then
// succeeds by itself unless answered first (state.ts settles it when anything is read).
import type { ApiContext, Route } from "./api";
import { refuse } from "./errors";
import { operationJson } from "./shapes";
import type { Operation } from "./state";
import { ownSubscription } from "./subscriptions";

function ownOperation(context: ApiContext): Operation {
  const subscription = ownSubscription(context, context.params[0]!);
  const operation = context.marketplace.operations.get(context.params[1]!);
  if (!operation || operation.subscriptionId !== subscription.id)
    throw refuse.notFound(`The operation ${context.params[1]} was not found.`, "operationId");
  context.log.operationId = operation.id;
  return operation;
}

/** The operations still waiting for an answer; "empty json if no operations are pending". */
function listOperations(context: ApiContext): Response {
  const subscription = ownSubscription(context, context.params[0]!);
  const pending = [...context.marketplace.operations.values()].filter(
    (operation) =>
      operation.subscriptionId === subscription.id &&
      (operation.status === "InProgress" || operation.status === "NotStarted"),
  );
  if (pending.length === 0) return Response.json({});
  return Response.json({ operations: pending.map((operation) => operationJson(context.marketplace, operation)) });
}

function getOperation(context: ApiContext): Response {
  return Response.json(operationJson(context.marketplace, ownOperation(context)));
}

/**
 * The publisher's answer: Success or Failure. Once finished, the same answer again is harmless
 * (200); the other one is a 409, as Microsoft answers when "a newer update is already fulfilled".
 */
function updateOperation(context: ApiContext): Response {
  const operation = ownOperation(context);
  const status = context.body.status;
  if (status !== "Success" && status !== "Failure")
    throw refuse.badRequest('status must be "Success" or "Failure".', "status");
  const outcome = status === "Success" ? "Succeeded" : "Failed";
  if (operation.status === "InProgress" || operation.status === "NotStarted") {
    context.marketplace.finishOperation(operation, outcome);
  } else if (operation.status !== outcome) {
    throw refuse.conflict(`The operation ${operation.id} has already completed: ${operation.status}.`);
  }
  return new Response(null, { status: 200 });
}

const path = (rest: string) => new RegExp(`^/saas/subscriptions/([^/]+)/operations${rest}$`);
export const operationRoutes: Route[] = [
  { method: "GET", path: path(""), endpoint: listOperations },
  { method: "GET", path: path("/([^/]+)"), endpoint: getOperation },
  { method: "PATCH", path: path("/([^/]+)"), endpoint: updateOperation },
];
