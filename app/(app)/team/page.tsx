import type { Metadata } from "next";
import { brand } from "@/lib/brand";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { requireTenantAccess } from "@/lib/tenants/access";
import { organizationName } from "@/lib/tenants/gate";
import { listTenantUsers, tenantSeats } from "@/lib/tenants/queries";
import { When } from "../when";
import { changeMemberAction } from "./actions";

export const metadata: Metadata = { title: "Team" };

/** What the page says after a change; only these codes, whatever the URL carries. */
const OUTCOMES: Record<string, string> = {
  promote: "Done: they are an admin now.",
  demote: "Done: they are a member now.",
  suspend: "Done: their access is suspended from their next request.",
  reactivate: "Done: their access is restored.",
  "not-admin": "Only your organization's admins can change people's roles or access.",
  "not-found": "That person is not in your organization.",
  "last-admin": "Your organization needs at least one admin: make someone else an admin first.",
  self: "You cannot suspend yourself or free your own seat.",
  "free-seat": "Done: their seat is free for someone else. They need an admin to give them one again.",
  "give-seat": "Done: they have a seat and can use the app at their next request.",
  "no-free-seat": "There is no free seat: free one first, or add users to your plan.",
  "no-seat-held": "They have no seat to free.",
  invalid: "That change could not be read. Please try again.",
};

function MemberActions({
  member,
  seats,
}: {
  member: {
    id: string;
    displayName: string | null;
    role: string;
    suspendedAt: Date | null;
    seatAssignedAt: Date | null;
  };
  seats: boolean;
}) {
  const name = member.displayName ?? "this person";
  const seat =
    !seats || member.suspendedAt
      ? []
      : member.seatAssignedAt
        ? [{ change: "free-seat", label: "Free seat", aria: `Free ${name}'s seat` }]
        : [{ change: "give-seat", label: "Give seat", aria: `Give ${name} a seat` }];
  const actions = [
    ...seat,
    member.role === "ADMIN"
      ? { change: "demote", label: "Make member", aria: `Make ${name} a member` }
      : { change: "promote", label: "Make admin", aria: `Make ${name} an admin` },
    member.suspendedAt
      ? { change: "reactivate", label: "Reactivate", aria: `Reactivate ${name}` }
      : { change: "suspend", label: "Suspend", aria: `Suspend ${name}` },
  ];
  return (
    <div className="flex flex-wrap gap-2">
      {actions.map((action) => (
        <button
          key={action.change}
          type="submit"
          name="change"
          value={`${action.change}:${member.id}`}
          aria-label={action.aria}
          className="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100"
        >
          {action.label}
        </button>
      ))}
    </div>
  );
}

export default async function TeamPage({ searchParams }: { searchParams: Promise<{ done?: string; error?: string }> }) {
  const access = await requireTenantAccess();
  const prisma = await db();
  const users = await listTenantUsers(prisma, access);
  const seats = await tenantSeats(prisma, access);
  const perUser = seats.limit !== null;
  // Shows or hides the actions; lib/tenants/team.ts checks the role again under its lock.
  const admin = access.user.role === "ADMIN";
  const { done = "", error = "" } = await searchParams;
  const outcome = [done, error].find((code) => Object.hasOwn(OUTCOMES, code));
  const link = `${config().auth.url ?? ""}/trial`;
  const message = `Join ${organizationName(access)} on ${brand.productName}: sign in with your work account at ${link}. Anyone in our organization can join; there is nothing to install.`;

  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold text-brand-dark">Team</h1>
      {outcome ? (
        <p
          role="status"
          className={`rounded border px-4 py-2 ${error ? "border-amber-400 bg-amber-50" : "border-brand/30 bg-brand/5"}`}
        >
          {OUTCOMES[outcome]}
        </p>
      ) : null}
      <section>
        <h2 className="mb-2 text-xl font-semibold">People in your organization using {brand.productName}</h2>
        {perUser ? (
          <p className="mb-2 text-slate-700">
            Your plan has <strong>{seats.limit}</strong> seat(s); <strong>{seats.used}</strong> in use. People without a
            seat cannot use {brand.productName} until an admin gives them one. To add seats, change the number of users
            of your subscription in Microsoft&apos;s admin center or the Azure portal.
          </p>
        ) : null}
        {/* One form for the table, each button naming its change and its person ("promote:<id>"): a
            form per button made the page three forms per person for the same choices (README, "Speed"). */}
        <form action={changeMemberAction} className="overflow-x-auto rounded border border-slate-200 bg-white">
          <table className="w-full border-collapse text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-slate-500">
                <th className="p-2">Name</th>
                <th className="p-2">E-mail</th>
                <th className="p-2">Role</th>
                {perUser ? <th className="p-2">Seat</th> : null}
                <th className="p-2">Last sign-in</th>
                {admin ? <th className="p-2">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <tr key={user.id} className="border-b border-slate-100">
                  <td className="p-2">{user.displayName}</td>
                  <td className="p-2 break-all">{user.email}</td>
                  <td className="p-2">
                    {user.role === "ADMIN" ? "Admin" : "Member"}
                    {user.suspendedAt ? " (suspended)" : ""}
                  </td>
                  {perUser ? <td className="p-2">{user.seatAssignedAt ? "Yes" : "No"}</td> : null}
                  <td className="p-2">{user.lastSignInAt ? <When iso={user.lastSignInAt.toISOString()} /> : "—"}</td>
                  {admin ? (
                    <td className="p-2">
                      {user.id === access.userId ? "You" : <MemberActions member={user} seats={perUser} />}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </form>
      </section>

      <section className="space-y-2">
        <h2 className="text-xl font-semibold">Invite colleagues</h2>
        <p className="text-slate-700">
          Anyone in your organization can join by signing in with their work account: send them this link.
        </p>
        <label className="block text-sm font-medium text-slate-600" htmlFor="invite-link">
          Link
        </label>
        <input
          id="invite-link"
          readOnly
          value={link}
          className="w-full rounded border border-slate-300 bg-white px-3 py-2 font-mono text-sm"
        />
        <label className="block text-sm font-medium text-slate-600" htmlFor="invite-message">
          A message to send
        </label>
        <textarea
          id="invite-message"
          readOnly
          rows={3}
          value={message}
          className="w-full rounded border border-slate-300 bg-white px-3 py-2 text-sm"
        />
      </section>
    </div>
  );
}
