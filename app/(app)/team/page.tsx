import type { Metadata } from "next";
import { brand } from "@/lib/brand";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { requireTenantAccess } from "@/lib/tenants/access";
import { organizationName } from "@/lib/tenants/gate";
import { listTenantUsers } from "@/lib/tenants/queries";
import { When } from "../when";

export const metadata: Metadata = { title: "Team" };

export default async function TeamPage() {
  const access = await requireTenantAccess();
  const users = await listTenantUsers(await db(), access);
  const link = `${config().auth.url ?? ""}/trial`;
  const message = `Join ${organizationName(access)} on ${brand.productName}: sign in with your work account at ${link}. Anyone in our organization can join; there is nothing to install.`;

  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold text-brand-dark">Team</h1>
      <section>
        <h2 className="mb-2 text-xl font-semibold">People in your organization using {brand.productName}</h2>
        <div className="overflow-x-auto rounded border border-slate-200 bg-white">
          <table className="w-full border-collapse text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-slate-500">
                <th className="p-2">Name</th>
                <th className="p-2">E-mail</th>
                <th className="p-2">Role</th>
                <th className="p-2">Last sign-in</th>
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
                  <td className="p-2">{user.lastSignInAt ? <When iso={user.lastSignInAt.toISOString()} /> : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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
