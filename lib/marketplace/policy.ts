// YOUR POLICY for a customer's plan or seat change (ChangePlan, ChangeQuantity from the
// marketplace webhook): accept or refuse. Microsoft asks within 10 seconds and accepts by itself
// if nobody answers, so keep this fast and free of network calls.
//
// The default accepts every change except fewer seats than people using the app now: refusing is
// kinder than cutting colleagues off in the middle of their work. Edit it to refuse plans your
// product cannot serve (a downgrade below features in use, a region, ...). The reason you give is
// recorded in the audit log; Microsoft is only told "Failure".

export type ChangeRequest = {
  action: "ChangePlan" | "ChangeQuantity";
  subscriptionId: string;
  tenantId: string;
  from: { planId: string; quantity: number | null };
  /** quantity: null for a flat-rate plan. */
  to: { planId: string; quantity: number | null };
  /** Seat holders under a per-user plan; otherwise every person of the workspace not suspended. */
  peopleUsingTheApp: number;
};

export type ChangeDecision = { accept: true } | { accept: false; reason: string };

export function decideChange(request: ChangeRequest): ChangeDecision {
  const { to, peopleUsingTheApp } = request;
  if (to.quantity !== null && to.quantity < peopleUsingTheApp) {
    return {
      accept: false,
      reason: `${to.quantity} seat(s) asked for, but ${peopleUsingTheApp} people use the app: an admin frees seats on the Team page first`,
    };
  }
  return { accept: true };
}
