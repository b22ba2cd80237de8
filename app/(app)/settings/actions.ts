"use server";

import { refresh } from "next/cache";
import { db } from "@/lib/db/client";
import { requireTenantAccess } from "@/lib/tenants/access";
import {
  organizationSettingsInput,
  saveOrganizationSettings,
  SettingsRefused,
  type SettingsField,
} from "@/lib/tenants/settings";

export type SettingsFormState = {
  outcome: "idle" | "saved" | "unchanged" | "invalid" | "not-admin";
  /** Our messages, by field. */
  errors: Partial<Record<SettingsField, string>>;
  /** What the person typed, so a correction loses nothing. */
  values?: Record<SettingsField, string>;
};

const FIELDS: SettingsField[] = ["displayName", "contactName", "contactEmail", "contactPhone"];

/** An admin saves the organization's settings. The gate and the role are checked in lib/. */
export async function saveSettingsAction(_previous: SettingsFormState, form: FormData): Promise<SettingsFormState> {
  const access = await requireTenantAccess();
  const values = Object.fromEntries(
    FIELDS.map((field) => [field, String(form.get(field) ?? "").slice(0, 500)]),
  ) as Record<SettingsField, string>;
  const parsed = organizationSettingsInput.safeParse(values);
  if (!parsed.success) {
    const errors: SettingsFormState["errors"] = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as SettingsField;
      errors[field] ??= issue.message;
    }
    return { outcome: "invalid", errors, values };
  }
  try {
    const { changed } = await saveOrganizationSettings(await db(), access, parsed.data);
    // The shell's header shows the name: the page around the form renders again.
    if (changed.length) refresh();
    return { outcome: changed.length ? "saved" : "unchanged", errors: {} };
  } catch (error) {
    if (error instanceof SettingsRefused) return { outcome: "not-admin", errors: {}, values };
    throw error;
  }
}
