"use server";

import { redirect } from "next/navigation";
import { db } from "@/lib/db/client";
import { currentAccess } from "@/lib/tenants/access";
import { takeSeat } from "@/lib/tenants/seats";

/** "Try again": a seat freed since the person signed in is theirs now (lib/tenants/seats.ts decides). */
export async function tryForSeatAction(): Promise<void> {
  const decision = await currentAccess();
  if (decision.kind === "allowed") redirect("/dashboard");
  if (decision.kind !== "no-seat") redirect("/");
  const prisma = await db();
  const seated = await prisma.$transaction((tx) => takeSeat(tx, decision.tenantId, decision.userId));
  redirect(seated ? "/dashboard" : "/account/no-seat?tried=1");
}
