import type { Metadata } from "next";
import Link from "next/link";
import { Notice } from "../../notice";

export const metadata: Metadata = { title: "Organization sign-up did not complete" };

const explanations: Record<string, { title: string; text: string }> = {
  declined: {
    title: "The organization sign-up was not approved",
    text: "Microsoft did not grant the app access to your organization: the request was cancelled, or the account used is not allowed to approve apps for the organization. Sign in with an administrator account (Global Administrator, Privileged Role Administrator, Cloud Application Administrator or Application Administrator).",
  },
  "not-admin": {
    title: "An administrator must sign up the organization",
    text: "The account that signed in does not have a directory role that can approve apps for the whole organization. Ask an administrator to sign up your organization, or sign in with an administrator account.",
  },
  "other-tenant": {
    title: "Sign in with an account of the same organization",
    text: "The account that signed in belongs to a different organization than the one that approved the app.",
  },
  "not-installed": {
    title: "The app is not enabled in your organization",
    text: "Microsoft reports that the app is not installed in your organization's directory. Please try the organization sign-up again.",
  },
  tenant: {
    title: "This organization cannot be signed up",
    text: "Organization sign-up is for work and school directories; personal Microsoft accounts and general endpoints cannot be signed up.",
  },
};
const fallback = {
  title: "Organization sign-up did not complete",
  text: "This sign-up link has expired, was already used, or was started in another browser. Please start again.",
};

export default async function SignupRefusedPage({
  searchParams,
}: {
  searchParams: Promise<{ reason?: string; error_description?: string }>;
}) {
  const { reason = "", error_description: description } = await searchParams;
  const { title, text } = explanations[reason] ?? fallback;
  return (
    <Notice title={title}>
      <p>{text}</p>
      <p>Nothing was changed for your organization.</p>
      {description ? (
        <p className="rounded bg-slate-100 p-3 text-sm text-slate-600">
          Microsoft said: <span className="break-words">{description}</span>
        </p>
      ) : null}
      <p>
        <Link href="/signup" className="text-brand underline">
          Start the organization sign-up again
        </Link>
      </p>
    </Notice>
  );
}
