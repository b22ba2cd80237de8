import type { Metadata } from "next";
import Link from "next/link";
import { brand } from "@/lib/brand";
import { explainSignInError, type SignInProblem } from "@/lib/auth/sign-in-errors";
import { AdminSignUpLink } from "../../admin-signup-link";
import { MicrosoftSignInLink } from "../../microsoft-sign-in-button";
import { Notice } from "../../notice";
import { NeedsAdminApproval } from "./needs-admin-approval";

export const metadata: Metadata = { title: "Sign-in did not complete" };

type Params = Partial<Record<"error" | "error_description" | "error_subcode", string | string[]>>;

/** One value per parameter: a repeated one (?error=a&error=b) is read as absent, never a crash. */
const single = (value: string | string[] | undefined) => (typeof value === "string" ? value : undefined);

/** Back to Microsoft: the same sign-in again, or the account picker when the account was the problem. */
const TRY_AGAIN = { href: "/trial", label: "Try again" };
const OTHER_ACCOUNT = { href: "/trial/start?prompt=select_account", label: "Sign in with another account" };

/** Why each permission is asked (lib/entra/app-registration.ts DELEGATED_SCOPES, APPLICATION_PERMISSIONS). */
function Declined() {
  return (
    <>
      <p>
        The sign-in stopped at Microsoft&apos;s permission screen, so you are not signed in and nothing was shared with{" "}
        {brand.productName}. It asks for these permissions only:
      </p>
      <ul className="list-disc space-y-1 pl-6">
        <li>
          <strong>Sign you in</strong> with your work or school account, and keep you signed in.
        </li>
        <li>
          <strong>Read your basic profile</strong> (your name and e-mail address), to show who is signed in.
        </li>
        <li>
          <strong>Read your organization&apos;s name</strong>, to name your organization&apos;s workspace.
        </li>
      </ul>
      <p>It cannot read your mail, files or calendar. To continue, try again and select Accept.</p>
    </>
  );
}

const personalAccountLink = (
  <Link href="/signin/personal-account" className="text-brand underline">
    Signed in with a personal Microsoft account?
  </Link>
);

/** Our words for each problem; nothing from the URL is shown but the AADSTS number. */
const TEXT: Record<SignInProblem, { title: string; body: React.ReactNode; next?: typeof TRY_AGAIN }> = {
  declined: { title: "You did not accept the permissions", body: <Declined /> },
  "needs-admin-approval": {
    title: "Your organization needs to approve this app",
    body: <NeedsAdminApproval requested={false} />,
  },
  "admin-approval-requested": {
    title: "Your organization needs to approve this app",
    body: <NeedsAdminApproval requested />,
  },
  "personal-account": {
    title: "Use your work or school account",
    body: (
      <>
        <p>
          Microsoft reports that you signed in with a personal Microsoft account (such as outlook.com or hotmail.com).{" "}
          {brand.productName} is for organizations: sign in with the account your work or school gave you.
        </p>
        <p>{personalAccountLink}</p>
      </>
    ),
    next: OTHER_ACCOUNT,
  },
  "not-assigned": {
    title: "Your organization has not given you access to this app",
    body: (
      <p>Your organization allows this app for assigned people only. Ask your IT department to assign it to you.</p>
    ),
  },
  "account-elsewhere": {
    title: "Sign in with an account of your organization",
    body: (
      <>
        <p>The account you used does not belong to the organization you signed in to. Try another account.</p>
        <p>{personalAccountLink}</p>
      </>
    ),
    next: OTHER_ACCOUNT,
  },
  "blocked-by-policy": {
    title: "Your organization's access policy blocked this sign-in",
    body: (
      <p>
        A policy of your organization (for example, the device or network you sign in from) does not allow this sign-in.
        Contact your IT department.
      </p>
    ),
  },
  "more-verification": {
    title: "Microsoft needs more verification",
    body: <p>Your organization asks for another verification step. Sign in again and complete it.</p>,
  },
  "app-not-found": {
    title: "This app is not enabled in your organization",
    body: (
      <>
        <p>Microsoft reports that this app is not enabled in your organization. An administrator can enable it.</p>
        <p>
          <AdminSignUpLink />
        </p>
      </>
    ),
  },
  "invalid-token": {
    title: "Sign-in did not complete",
    body: <p>We could not verify the sign-in response from Microsoft, so we did not sign you in. Please try again.</p>,
  },
  interrupted: {
    title: "Sign-in did not complete",
    body: (
      <p>
        We could not complete the sign-in. This happens when it was started in another browser or tab, took too long, or
        Microsoft&apos;s answer could not be used. Please try again.
      </p>
    ),
  },
  generic: {
    title: "Sign-in did not complete",
    body: <p>Something went wrong while signing you in. Sign-in needs cookies to be allowed for this site.</p>,
  },
};

export default async function SignInErrorPage({ searchParams }: { searchParams: Promise<Params> }) {
  const params = await searchParams;
  const { problem, aadsts, reference } = explainSignInError({
    error: single(params.error),
    error_description: single(params.error_description),
    error_subcode: single(params.error_subcode),
  });
  const { title, body, next = TRY_AGAIN } = TEXT[problem];
  return (
    <Notice title={title}>
      {body}
      <MicrosoftSignInLink href={next.href} label={next.label} />
      <p className="text-sm text-slate-500">
        Reference for support: {reference}
        {aadsts ? ` (AADSTS${aadsts})` : ""}
      </p>
    </Notice>
  );
}
