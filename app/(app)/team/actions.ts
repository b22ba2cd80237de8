"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { requireTenantAccess } from "@/lib/tenants/access";
import { changeMember, TEAM_CHANGES, TeamChangeRefused } from "@/lib/tenants/team";

// The pressed button's value: "<change>:<member id>" (app/(app)/team/page.tsx).
const input = z
  .string()
  .transform((value) => {
    const at = value.indexOf(":");
    return { change: value.slice(0, at), memberId: value.slice(at + 1) };
  })
  .pipe(z.object({ memberId: z.uuid(), change: z.enum(TEAM_CHANGES) }));

/** An admin changes a colleague's role or access. The gate and the role are checked in lib/. */
export async function changeMemberAction(form: FormData): Promise<void> {
  const access = await requireTenantAccess();
  const parsed = input.safeParse(form.get("change"));
  if (!parsed.success) redirect("/team?error=invalid");
  try {
    await changeMember(await db(), access, parsed.data.memberId, parsed.data.change);
  } catch (error) {
    if (error instanceof TeamChangeRefused) redirect(`/team?error=${error.reason}`);
    throw error;
  }
  redirect(`/team?done=${parsed.data.change}`);
}
