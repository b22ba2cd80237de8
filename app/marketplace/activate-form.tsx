"use client";

import { useActionState } from "react";
import { activateAction, type ActivateState } from "./actions";

const ERRORS: Record<NonNullable<ActivateState["error"]>, string> = {
  contact:
    "Check the contact details: a name, an e-mail address such as name@contoso.com, and a phone number or nothing.",
  unavailable: "The marketplace did not confirm the activation. Nothing was charged twice: try again in a minute.",
  "in-progress": "This subscription is being activated from another window. Reload this page in a moment.",
};

type Props = { token: string; contact: { name: string; email: string } };

/** Confirm or correct the contact, then activate: one POST, whatever the person clicks. */
export function ActivateForm({ token, contact }: Props) {
  const [state, action, pending] = useActionState(activateAction, {});
  const fields = state.fields ?? { contactName: contact.name, contactEmail: contact.email, contactPhone: "" };
  const input = "w-full max-w-md rounded border border-slate-300 px-3 py-2 text-sm";
  return (
    <form action={action} className="space-y-4">
      <input type="hidden" name="token" value={token} />
      {state.error ? (
        <p role="alert" className="rounded border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900">
          {ERRORS[state.error]}
        </p>
      ) : null}
      <fieldset className="space-y-3 rounded border border-slate-200 bg-white p-4">
        <legend className="px-1 text-lg font-semibold">Who we contact about this subscription</legend>
        <p className="text-sm text-slate-600">Read from your Microsoft account: confirm it or correct it.</p>
        <div className="space-y-1">
          <label htmlFor="contactName" className="block text-sm font-medium">
            Name
          </label>
          <input
            id="contactName"
            name="contactName"
            autoComplete="name"
            defaultValue={fields.contactName}
            required
            className={input}
          />
        </div>
        <div className="space-y-1">
          <label htmlFor="contactEmail" className="block text-sm font-medium">
            E-mail
          </label>
          <input
            id="contactEmail"
            name="contactEmail"
            type="email"
            autoComplete="email"
            defaultValue={fields.contactEmail}
            required
            className={input}
          />
        </div>
        <div className="space-y-1">
          <label htmlFor="contactPhone" className="block text-sm font-medium">
            Phone <span className="font-normal text-slate-500">(optional)</span>
          </label>
          <input
            id="contactPhone"
            name="contactPhone"
            type="tel"
            autoComplete="tel"
            defaultValue={fields.contactPhone}
            className={input}
          />
        </div>
      </fieldset>
      <button
        type="submit"
        disabled={pending}
        className="rounded bg-brand px-4 py-2 font-medium text-white hover:bg-brand-dark disabled:opacity-60"
      >
        {pending ? "Activating…" : "Activate subscription"}
      </button>
      <p className="text-sm text-slate-600">Microsoft starts billing when you activate.</p>
    </form>
  );
}
