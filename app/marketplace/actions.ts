"use server";

import { redirect } from "next/navigation";
import { db } from "@/lib/db/client";
import { activatePurchase } from "@/lib/marketplace/activation";
import { fulfillmentClient } from "@/lib/marketplace/client";
import { MarketplaceError } from "@/lib/marketplace/errors";
import { landingView, purchaseToken } from "@/lib/marketplace/landing";
import { currentPerson } from "@/lib/tenants/access";
import { organizationSettingsInput } from "@/lib/tenants/settings";

const contactInput = organizationSettingsInput.pick({ contactName: true, contactEmail: true, contactPhone: true });

export type ContactFields = { contactName: string; contactEmail: string; contactPhone: string };

export type ActivateState = { error?: "contact" | "unavailable" | "in-progress"; fields?: ContactFields };

/**
 * Activate (a POST: server actions check the Origin, so another site cannot submit it). Nothing
 * from the form but the token and the contact is used: the plan and quantity come from resolving
 * the token again, and who may activate is decided again, here.
 */
export async function activateAction(_previous: ActivateState, form: FormData): Promise<ActivateState> {
  const token = purchaseToken(String(form.get("token") ?? ""));
  const fields = {
    contactName: String(form.get("contactName") ?? "").slice(0, 300),
    contactEmail: String(form.get("contactEmail") ?? "").slice(0, 300),
    contactPhone: String(form.get("contactPhone") ?? "").slice(0, 100),
  };
  const back = `/marketplace?token=${encodeURIComponent(token ?? "")}`;
  const contact = contactInput.safeParse(fields);
  if (!contact.success) return { error: "contact", fields };

  const prisma = await db();
  const person = await currentPerson();
  const view = await landingView(prisma, token, person);
  if (view.kind !== "ready" || !person) redirect(back); // the page says why
  const client = fulfillmentClient();
  if (!client) redirect(back);
  let outcome;
  try {
    outcome = await activatePurchase(prisma, client, view.purchase, `user:${person.tenantId}/${person.oid}`, {
      contact: {
        name: contact.data.contactName,
        email: contact.data.contactEmail,
        phone: contact.data.contactPhone || null,
      },
    });
  } catch (error) {
    if (!(error instanceof MarketplaceError)) throw error;
    console.error(`[marketplace] activation of ${view.purchase.subscriptionId} failed: ${error.message}`);
    return { error: "unavailable", fields };
  }
  if (outcome.kind === "in-progress") return { error: "in-progress", fields };
  if ((outcome.kind === "activated" || outcome.kind === "already-active") && outcome.tenantId === person.tenantId) {
    redirect("/plan?subscription=activated");
  }
  redirect(back);
}
