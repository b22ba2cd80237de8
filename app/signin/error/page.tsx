import type { Metadata } from "next";
import { explainSignInError, type SignInProblem } from "@/lib/auth/sign-in-errors";
import { AdminSignUpLink } from "../../admin-signup-link";
import { MicrosoftSignInLink } from "../../microsoft-sign-in-button";
import { Notice } from "../../notice";

export const metadata: Metadata = { title: "Sign-in did not complete" };

type Params = { error?: string; error_description?: string; error_subcode?: string };

/** Our words for each problem; nothing from the URL is shown but the AADSTS number. */
const TEXT: Record<SignInProblem, { title: string; body: React.ReactNode }> = {
  "consent-missing": {
    title: "Your organization needs to approve this app",
    body: (
      <>
        <p>
          The sign-in was not completed because permission to use this app was not granted. In many organizations only
          an administrator can approve apps.
        </p>
        <p>
          Ask your administrator to sign up your organization (it takes a minute); then sign in again, with nothing more
          to approve.
        </p>
        <p>
          <AdminSignUpLink />
        </p>
      </>
    ),
  },
  "not-assigned": {
    title: "Your organization has not given you access to this app",
    body: (
      <p>Your organization allows this app for assigned people only. Ask your IT department to assign it to you.</p>
    ),
  },
  "account-elsewhere": {
    title: "Sign in with an account of your organization",
    body: <p>The account you used does not belong to the organization you signed in to. Try another account.</p>,
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
  const { problem, aadsts, reference } = explainSignInError(await searchParams);
  const { title, body } = TEXT[problem];
  return (
    <Notice title={title}>
      {body}
      <MicrosoftSignInLink href="/trial" label="Try again" />
      <p className="text-sm text-slate-500">
        Reference for support: {reference}
        {aadsts ? ` (AADSTS${aadsts})` : ""}
      </p>
    </Notice>
  );
}
