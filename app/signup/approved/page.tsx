import type { Metadata } from "next";
import Link from "next/link";
import { brand } from "@/lib/brand";
import { config } from "@/lib/config";
import { requireTenantAccess } from "@/lib/tenants/access";
import { organizationName } from "@/lib/tenants/gate";
import { CopyField } from "../../copy-field";

export const metadata: Metadata = { title: "Organization approved" };

/**
 * The admin sign-up's end (/signup/complete): the organization is approved, and the administrator
 * gets what to hand on to colleagues. Behind the gate like the workspace: the name shown is the
 * signed-in person's own organization's, from the server-side session.
 */
export default async function SignupApprovedPage() {
  const access = await requireTenantAccess();
  const organization = organizationName(access);
  const product = brand.productName;
  // The public URL (lib/config.ts): never the request's Host header, which a client writes.
  const link = `${config().auth.url ?? ""}/trial`;
  const message = [
    "Hello,",
    `${organization} now uses ${product}. Sign in with your work account here:`,
    link,
    "There is nothing to install and nothing more to approve.",
  ].join("\n\n");

  return (
    <section className="max-w-2xl space-y-4">
      <h1 className="text-3xl font-semibold text-brand-dark">{organization} is approved</h1>
      <div className="space-y-3 text-slate-700">
        <p>
          You approved {product} for everyone in {organization}. Share this link with your colleagues: they sign in with
          their work account, nothing more to approve.
        </p>
        <CopyField label="Link for your colleagues" value={link} copyLabel="Copy link" />
        <CopyField label="A message to send" value={message} copyLabel="Copy message" rows={6} />
      </div>
      <p>
        <Link href="/dashboard" className="inline-block rounded bg-brand px-4 py-2 font-medium text-white">
          Go to your workspace
        </Link>
      </p>
    </section>
  );
}
