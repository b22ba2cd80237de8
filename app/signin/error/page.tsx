import type { Metadata } from "next";
import { randomUUID } from "node:crypto";
import { AdminSignUpLink } from "../../admin-signup-link";
import { MicrosoftSignInLink } from "../../microsoft-sign-in-button";
import { Notice } from "../../notice";

export const metadata: Metadata = { title: "Sign-in did not complete" };

type Params = { error?: string; error_description?: string; error_subcode?: string };

/** The AADSTS code and correlation id of an Entra error, if it carries them. */
function entraDetails(description: string | undefined) {
  return {
    code: description?.match(/AADSTS(\d+)/)?.[1],
    correlationId: description?.match(/Correlation ID: ([0-9a-f-]{36})/i)?.[1],
  };
}

// React escapes every value below: an error description containing HTML shows as text.
export default async function SignInErrorPage({ searchParams }: { searchParams: Promise<Params> }) {
  const { error = "unknown", error_description: description } = await searchParams;
  const { code, correlationId } = entraDetails(description);
  const reference = correlationId ?? randomUUID();
  const consentMissing = error === "access_denied" || code === "65004" || code === "90094" || code === "65001";

  return (
    <Notice title={consentMissing ? "Your organization needs to approve this app" : "Sign-in did not complete"}>
      {consentMissing ? (
        <>
          <p>
            The sign-in was not completed because permission to use this app was not granted. In many organizations only
            an administrator can approve apps.
          </p>
          <p>
            Ask your administrator to sign up your organization (it takes a minute); then sign in again, with nothing
            more to approve.
          </p>
          <p>
            <AdminSignUpLink />
          </p>
        </>
      ) : error === "invalid_token" ? (
        <p>We could not verify the sign-in response from Microsoft, so we did not sign you in. Please try again.</p>
      ) : error === "Configuration" ? (
        <p>
          We could not complete the sign-in. This happens when it was started in another browser or tab, took too long,
          or Microsoft&apos;s answer could not be used. Please try again.
        </p>
      ) : (
        <p>Something went wrong while signing you in. Sign-in needs cookies to be allowed for this site.</p>
      )}
      {description ? (
        <p className="rounded bg-slate-100 p-3 text-sm text-slate-600">
          Microsoft said: <span className="break-words">{description}</span>
        </p>
      ) : null}
      <MicrosoftSignInLink href="/trial" label="Try again" />
      <p className="text-sm text-slate-500">
        Reference for support: {reference}
        {code ? ` (AADSTS${code})` : ""}
      </p>
    </Notice>
  );
}
