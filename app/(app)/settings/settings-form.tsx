"use client";

import { useActionState } from "react";
import type { OrganizationSettings } from "@/lib/tenants/settings";
import { FormField as Field } from "../../form-field";
import { saveSettingsAction, type SettingsFormState } from "./actions";

const OUTCOMES: Record<Exclude<SettingsFormState["outcome"], "idle">, string> = {
  saved: "Saved.",
  unchanged: "Nothing changed: these details were already saved.",
  invalid: "Some details need a correction: see below.",
  "not-admin": "Only your organization's admins can change these settings.",
};

type Props = { settings: OrganizationSettings };

/** The admin's form: what was read from their account, to confirm or correct. */
export function SettingsForm({ settings }: Props) {
  const [state, action, pending] = useActionState(saveSettingsAction, { outcome: "idle", errors: {} });
  const values = state.values ?? settings;
  // After a save the form shows the saved values: remount the inputs with them.
  const key = state.outcome === "saved" ? JSON.stringify(settings) : "form";
  return (
    <form action={action} className="space-y-6" noValidate key={key}>
      {state.outcome !== "idle" ? (
        <p
          role={state.outcome === "saved" || state.outcome === "unchanged" ? "status" : "alert"}
          className={
            state.outcome === "saved" || state.outcome === "unchanged"
              ? "rounded border border-green-300 bg-green-50 px-3 py-2 text-sm text-green-900"
              : "rounded border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900"
          }
        >
          {OUTCOMES[state.outcome]}
        </p>
      ) : null}
      <fieldset className="space-y-4 rounded border border-slate-200 bg-white p-4">
        <legend className="px-1 text-lg font-semibold">Organization</legend>
        <Field
          idPrefix="settings"
          name="displayName"
          label="Organization name"
          hint="Shown to everyone in your organization. It was read from your Microsoft Entra directory."
          autoComplete="organization"
          value={values.displayName}
          error={state.errors.displayName}
          required
        />
      </fieldset>
      <fieldset className="space-y-4 rounded border border-slate-200 bg-white p-4">
        <legend className="px-1 text-lg font-semibold">Contact person</legend>
        <p className="text-sm text-slate-600">
          {settings.contactOnFile
            ? "Who we contact about your organization's account and billing."
            : "Who we contact about your organization's account and billing. We filled in what your Microsoft account says: confirm it or correct it, then save."}
        </p>
        <Field
          idPrefix="settings"
          name="contactName"
          label="Name"
          autoComplete="name"
          value={values.contactName}
          error={state.errors.contactName}
          required
        />
        <Field
          idPrefix="settings"
          name="contactEmail"
          label="E-mail"
          type="email"
          autoComplete="email"
          value={values.contactEmail}
          error={state.errors.contactEmail}
          required
        />
        <Field
          idPrefix="settings"
          name="contactPhone"
          label="Phone"
          type="tel"
          autoComplete="tel"
          value={values.contactPhone}
          error={state.errors.contactPhone}
        />
      </fieldset>
      <button
        type="submit"
        disabled={pending}
        className="rounded bg-brand px-4 py-2 font-medium text-white hover:bg-brand-dark disabled:opacity-60"
      >
        {pending ? "Saving…" : settings.contactOnFile ? "Save changes" : "Confirm and save"}
      </button>
    </form>
  );
}
