import type { Metadata } from "next";
import { brand } from "@/lib/brand";
import { MicrosoftSignInLink } from "../../microsoft-sign-in-button";
import { Notice } from "../../notice";

export const metadata: Metadata = { title: "Use your work or school account" };

export default function PersonalAccountPage() {
  return (
    <Notice title="Use your work or school account">
      <p>
        You signed in with a personal Microsoft account (such as outlook.com or hotmail.com). {brand.productName} is for
        organizations: sign in with the account your work or school gave you.
      </p>
      <MicrosoftSignInLink href="/trial/start?prompt=select_account" label="Sign in with another account" />
    </Notice>
  );
}
