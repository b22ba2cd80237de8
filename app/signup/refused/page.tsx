import type { Metadata } from "next";
import Link from "next/link";
import { Notice } from "../../notice";

export const metadata: Metadata = { title: "Organization sign-up did not complete" };

// Reasons given only after the administrator signed in (lib/tenants/admin-signup-complete.ts).
// Before that, every failure gets the fallback below, whatever the URL said: the page must not
// tell a stranger anything about the tenant they named, nor repeat text from the URL.
const explanations: Record<string, { title: string; text: string }> = {
  "not-admin": {
    title: "An administrator must sign up the organization",
    text: "The account that signed in does not have a directory role that can approve apps for the whole organization. Ask an administrator to sign up your organization, or sign in with an administrator account (Global Administrator, Privileged Role Administrator, Cloud Application Administrator or Application Administrator).",
  },
  "other-tenant": {
    title: "Sign in with an account of the same organization",
    text: "The account that signed in belongs to a different organization than the one that approved the app.",
  },
  "not-installed": {
    title: "The app is not enabled in your organization",
    text: "Microsoft reports that the app is not installed in your organization's directory. Please try the organization sign-up again.",
  },
  "permissions-missing": {
    title: "The app's permissions were not granted",
    text: "Microsoft reports that the app is installed in your organization, but without the permissions it asked for. Please go through the organization sign-up again and accept the permissions for the whole organization.",
  },
  unavailable: {
    title: "Microsoft could not be reached",
    text: "We could not confirm the approval with Microsoft just now. Please try the organization sign-up again in a few minutes.",
  },
};
const fallback = {
  title: "Organization sign-up did not complete",
  text: "The approval was cancelled or declined at Microsoft, or this sign-up link has expired, was already used, or was started in another browser. Please start again, signed in as an administrator of your organization.",
};

export default async function SignupRefusedPage({ searchParams }: { searchParams: Promise<{ reason?: string }> }) {
  const { reason = "" } = await searchParams;
  const { title, text } = Object.hasOwn(explanations, reason) ? explanations[reason]! : fallback;
  return (
    <Notice title={title}>
      <p>{text}</p>
      <p>Nothing was changed for your organization.</p>
      <p>
        <Link href="/signup" className="text-brand underline">
          Start the organization sign-up again
        </Link>
      </p>
    </Notice>
  );
}
