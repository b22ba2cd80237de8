import Link from "next/link";
import { requireTenantAccess } from "@/lib/tenants/access";
import { organizationName } from "@/lib/tenants/gate";
import { AccountMenu } from "./account-menu";
import { WorkspaceNav } from "./workspace-nav";

// The customer's workspace. Everything under (app) is tenant data: the gate runs before anything
// renders, and again in each page where the data is read.
export default async function WorkspaceLayout({ children }: { children: React.ReactNode }) {
  const access = await requireTenantAccess();
  const organization = organizationName(access);
  return (
    <div className="space-y-6">
      <div className="flex items-center justify-between gap-4">
        <Link href="/dashboard" className="min-w-0 truncate text-lg font-semibold text-brand-dark">
          {organization}
        </Link>
        <AccountMenu name={access.user.name} email={access.user.email} organization={organization} />
      </div>
      <WorkspaceNav />
      {children}
    </div>
  );
}
