import type { Metadata } from "next";
import { brand } from "@/lib/brand";
import { MicrosoftSignInLink } from "../microsoft-sign-in-button";
import { Notice } from "../notice";

export const metadata: Metadata = { title: "Sign up your organization" };

// Administrators approve the app for everyone in their organization. Microsoft's permission
// screen offers it to them ("Consent on behalf of your organization"); prompt=consent makes sure
// the screen is shown even to an administrator who signed in before.
export default function OrganizationSignUpPage() {
  return (
    <Notice title="Sign up your organization">
      <p>
        If you are an administrator of your organization&apos;s Microsoft Entra ID (Global Administrator, Privileged
        Role Administrator, Cloud Application Administrator or Application Administrator), you can approve{" "}
        {brand.productName} for everyone in your organization, so that nobody else is asked for permission.
      </p>
      <ol className="list-decimal space-y-1 pl-6">
        <li>Sign in with your administrator account.</li>
        <li>
          On Microsoft&apos;s &ldquo;Permissions requested&rdquo; screen, tick{" "}
          <strong>Consent on behalf of your organization</strong>, then accept.
        </li>
      </ol>
      <MicrosoftSignInLink href="/trial/start?prompt=consent" label="Sign in as an administrator" />
    </Notice>
  );
}
