"use client";

import { useActionState } from "react";
import { operatorActionAction, type ActionFormState } from "./actions";

const LABELS: Record<string, string> = {
  approve: "Approve the trial",
  extend: "Extend the trial",
  activate: "Activate",
  suspend: "Suspend",
  reinstate: "Reinstate",
};

/** One change with its required reason and confirmation; the outcome, or why it was refused. */
export function ActionForm({ tenantId, action, tenantName }: { tenantId: string; action: string; tenantName: string }) {
  const [state, submit, pending] = useActionState<ActionFormState, FormData>(operatorActionAction, { outcome: "idle" });
  const id = `action-${action}`;
  return (
    <form
      action={submit}
      className="space-y-3 rounded border border-slate-200 bg-white p-4"
      aria-labelledby={`${id}-title`}
    >
      <h3 id={`${id}-title`} className="font-semibold">
        {LABELS[action]}
      </h3>
      <input type="hidden" name="tenantId" value={tenantId} />
      <input type="hidden" name="action" value={action} />
      {action === "extend" ? (
        <div className="space-y-1">
          <label htmlFor={`${id}-days`} className="block text-sm font-medium">
            Days to add
          </label>
          <input
            id={`${id}-days`}
            name="days"
            type="number"
            min={1}
            max={365}
            defaultValue={14}
            required
            className="w-28 rounded border border-slate-300 px-3 py-2 text-sm"
          />
        </div>
      ) : null}
      <div className="space-y-1">
        <label htmlFor={`${id}-reason`} className="block text-sm font-medium">
          Reason (kept in the audit log)
        </label>
        <textarea
          id={`${id}-reason`}
          name="reason"
          required
          rows={2}
          defaultValue={state.outcome === "refused" ? state.reason : ""}
          className="w-full rounded border border-slate-300 px-3 py-2 text-sm"
        />
      </div>
      <div className="flex items-center gap-2">
        <input id={`${id}-confirm`} name="confirmed" type="checkbox" value="yes" required />
        <label htmlFor={`${id}-confirm`} className="text-sm">
          I confirm: {LABELS[action]?.toLowerCase()} for {tenantName}
        </label>
      </div>
      <button
        type="submit"
        disabled={pending}
        className="rounded bg-brand px-4 py-2 text-sm font-medium text-white hover:bg-brand-dark disabled:opacity-60"
      >
        {LABELS[action]}
      </button>
      {state.outcome === "refused" ? (
        <p role="alert" className="rounded border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900">
          {state.message}
        </p>
      ) : null}
    </form>
  );
}
