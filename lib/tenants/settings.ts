// The organization's settings, as its admins keep them: the display name people see, and the
// contact person the ISV may reach (Microsoft's landing-page guidance: the customer confirms or
// corrects the contact details read from their account). Beside the gate: reads and writes take
// its TenantAccess, touch that tenant only, and the acting person's role is re-read from the
// database under a lock, never taken from the browser.
import { z } from "zod";
import type { Database } from "../db/client";
import type { TenantAccess } from "./gate";

/** What an admin may set; each message is ours, never the input read back. */
export const organizationSettingsInput = z.object({
  displayName: z.string().trim().min(1, "Enter your organization's name.").max(100, "Use at most 100 characters."),
  contactName: z.string().trim().min(1, "Enter the contact person's name.").max(100, "Use at most 100 characters."),
  contactEmail: z
    .string()
    .trim()
    .max(254, "Use at most 254 characters.")
    .pipe(z.email("Enter an e-mail address such as name@contoso.com.")),
  // Optional; digits with the usual separators, and at least five digits.
  contactPhone: z
    .string()
    .trim()
    .max(40, "Use at most 40 characters.")
    .refine((phone) => phone === "" || (/^\+?[0-9 ()./-]+$/.test(phone) && phone.replace(/\D/g, "").length >= 5), {
      message: "Enter a phone number such as +1 425 555 0100, or leave it empty.",
    }),
});

export type OrganizationSettingsInput = z.infer<typeof organizationSettingsInput>;
export type SettingsField = keyof OrganizationSettingsInput;

export type OrganizationSettings = {
  displayName: string;
  domain: string | null;
  contactName: string;
  contactEmail: string;
  contactPhone: string;
  /** False while no contact is on file: the fields then propose what the viewer's own account says. */
  contactOnFile: boolean;
};

export class SettingsRefused extends Error {
  constructor(readonly reason: "not-admin") {
    super(`Settings change refused: ${reason}`);
    this.name = "SettingsRefused";
  }
}

/** The settings to show; an unconfirmed contact is proposed from the viewer's own account. */
export async function readOrganizationSettings(prisma: Database, access: TenantAccess): Promise<OrganizationSettings> {
  const tenant = await prisma.tenant.findUniqueOrThrow({
    where: { id: access.tenantId },
    select: { displayName: true, primaryDomain: true, contactName: true, contactEmail: true, contactPhone: true },
  });
  const onFile = Boolean(tenant.contactName && tenant.contactEmail);
  return {
    displayName: tenant.displayName ?? tenant.primaryDomain ?? "",
    domain: tenant.primaryDomain,
    contactName: (onFile ? tenant.contactName : access.user.name) ?? "",
    contactEmail: (onFile ? tenant.contactEmail : access.user.email) ?? "",
    contactPhone: tenant.contactPhone ?? "",
    contactOnFile: onFile,
  };
}

/** An admin saves the settings: one transaction, the admin row locked, an audit event naming what changed. */
export async function saveOrganizationSettings(
  prisma: Database,
  access: TenantAccess,
  input: OrganizationSettingsInput,
  now = new Date(),
): Promise<{ changed: SettingsField[] }> {
  return prisma.$transaction(async (tx) => {
    const actor = await tx.$queryRaw<{ role: string; suspended: boolean }[]>`
      SELECT role::text AS role, suspended_at IS NOT NULL AS suspended FROM "user"
       WHERE id = ${access.userId}::uuid AND tenant_id = ${access.tenantId}::uuid
       FOR UPDATE`;
    if (actor[0]?.role !== "ADMIN" || actor[0].suspended) throw new SettingsRefused("not-admin");
    const before = await tx.tenant.findUniqueOrThrow({ where: { id: access.tenantId } });
    const phone = input.contactPhone === "" ? null : input.contactPhone;
    const changed = (
      [
        ["displayName", before.displayName, input.displayName],
        ["contactName", before.contactName, input.contactName],
        ["contactEmail", before.contactEmail, input.contactEmail],
        ["contactPhone", before.contactPhone, phone],
      ] as const
    )
      .filter(([, was, is]) => was !== is)
      .map(([field]) => field);
    if (changed.length === 0) return { changed };
    await tx.tenant.update({
      where: { id: access.tenantId },
      data: {
        displayName: input.displayName,
        contactName: input.contactName,
        contactEmail: input.contactEmail,
        contactPhone: phone,
        ...(changed.includes("displayName") ? { displayNameCorrectedAt: now } : {}),
      },
    });
    await tx.auditEvent.create({
      data: {
        tenantId: access.tenantId,
        actor: `user:${access.tenantId}/${access.oid}`,
        type: "tenant.settings_changed",
        // The names of the fields only: the audit log keeps no copy of the contact details.
        detail: { changed },
      },
    });
    return { changed };
  });
}
