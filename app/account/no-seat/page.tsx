import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { brand } from "@/lib/brand";
import { db } from "@/lib/db/client";
import { currentAccess } from "@/lib/tenants/access";
import { Notice } from "../../notice";
import { tryForSeatAction } from "./actions";

export const metadata: Metadata = { title: "Your organization is out of seats" };

export default async function NoSeatPage({ searchParams }: { searchParams: Promise<{ tried?: string }> }) {
  const decision = await currentAccess();
  if (decision.kind === "allowed") redirect("/dashboard");
  if (decision.kind !== "no-seat") redirect("/");
  const admins = await (
    await db()
  ).user.findMany({
    where: { tenantId: decision.tenantId, role: "ADMIN", suspendedAt: null },
    select: { displayName: true, email: true },
    orderBy: { displayName: "asc" },
    take: 10,
  });
  const tried = (await searchParams).tried === "1";
  return (
    <Notice title="Your organization is out of seats">
      <p>
        Your organization&apos;s plan of {brand.productName} is for a set number of people, and every seat is taken.
      </p>
      <p>Your organization&apos;s admins can free a seat for you on the Team page, or add users to the plan:</p>
      {admins.length ? (
        <ul className="list-disc pl-6">
          {admins.map((admin, index) => (
            <li key={index}>
              {admin.displayName ?? "An admin"}
              {admin.email ? <> ({admin.email})</> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p>Whoever bought the subscription for your organization can add users to it.</p>
      )}
      {tried ? (
        <p role="status" className="rounded border border-amber-400 bg-amber-50 px-4 py-2">
          Still no free seat. Ask an admin, then try again.
        </p>
      ) : null}
      <form action={tryForSeatAction}>
        <button type="submit" className="rounded bg-brand px-4 py-2 font-medium text-white">
          Try again
        </button>
      </form>
    </Notice>
  );
}
