"use client";

import { useActionState } from "react";
import { FormField } from "../form-field";
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
        <FormField
          idPrefix="activate"
          name="contactName"
          label="Name"
          autoComplete="name"
          value={fields.contactName}
          required
        />
        <FormField
          idPrefix="activate"
          name="contactEmail"
          label="E-mail"
          type="email"
          autoComplete="email"
          value={fields.contactEmail}
          required
        />
        <FormField
          idPrefix="activate"
          name="contactPhone"
          label="Phone"
          type="tel"
          autoComplete="tel"
          value={fields.contactPhone}
        />
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
