"use server";

import { redirect } from "next/navigation";
import { signOut } from "@/lib/auth/auth";
import { microsoftSignOutUrl } from "@/lib/auth/sign-out";
import { config } from "@/lib/config";

/** Ends the session on the server (its row is deleted), then optionally at Microsoft too. */
export async function signOutAction(form: FormData): Promise<void> {
  await signOut({ redirect: false });
  const appUrl = config().auth.url ?? "";
  const microsoft = form.get("microsoft") === "on" && appUrl ? await microsoftSignOutUrl(appUrl) : undefined;
  redirect(microsoft ?? "/signed-out");
}
