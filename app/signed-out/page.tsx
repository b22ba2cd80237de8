import type { Metadata } from "next";
import { MicrosoftSignInLink } from "../microsoft-sign-in-button";
import { Notice } from "../notice";

export const metadata: Metadata = { title: "Signed out" };

export default function SignedOutPage() {
  return (
    <Notice title="You are signed out">
      <p>Your session has ended on this device.</p>
      <p className="text-sm text-slate-600">
        You may still be signed in to your Microsoft account in this browser. On a shared computer, choose &quot;Sign
        out of Microsoft too&quot; next time, or close the browser.
      </p>
      <MicrosoftSignInLink href="/trial/start" label="Sign in again" />
    </Notice>
  );
}
