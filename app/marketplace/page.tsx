import type { Metadata } from "next";
import Link from "next/link";
import { brand } from "@/lib/brand";
import { db } from "@/lib/db/client";
import type { Purchase } from "@/lib/marketplace/activation";
import { landingView, purchaseToken, type LandingView } from "@/lib/marketplace/landing";
import { currentPerson } from "@/lib/tenants/access";
import { MicrosoftSignInLink } from "../microsoft-sign-in-button";
import { Notice } from "../notice";
import { ActivateForm } from "./activate-form";
import { formatDate } from "@/lib/format";

// The offer's "Landing page URL" (Partner Center, technical configuration). Microsoft opens it
// after a purchase, and again from "Manage account", with ?token=<purchase identification token>.
export const metadata: Metadata = { title: "Your subscription" };

const TERM: Record<string, string> = { P1M: "Monthly", P1Y: "Yearly", P2Y: "Two years", P3Y: "Three years" };

function day(value: string | null): string {
  if (!value || Number.isNaN(Date.parse(value))) return "—";
  return formatDate(new Date(value), "long");
}

function PurchaseDetails({ purchase }: { purchase: Purchase }) {
  const rows: [string, string][] = [
    ["Offer", purchase.offerId],
    ["Plan", purchase.planId],
    [
      "Quantity",
      purchase.quantity ? `${purchase.quantity} ${purchase.quantity === 1 ? "seat" : "seats"}` : "Flat rate",
    ],
    [
      "Term",
      `${(purchase.term.termUnit && TERM[purchase.term.termUnit]) || purchase.term.termUnit || "—"}, ${day(purchase.term.startDate)} to ${day(purchase.term.endDate)}`,
    ],
    ["Free trial", purchase.isFreeTrial ? "Yes" : "No"],
    ["Purchased by", purchase.purchaser.email ?? purchase.purchaser.tenantId],
    ["For the organization of", purchase.beneficiary.email ?? purchase.beneficiary.tenantId],
  ];
  return (
    <dl className="grid gap-x-6 gap-y-1 rounded border border-slate-200 bg-white p-4 text-sm sm:grid-cols-[max-content_1fr]">
      {rows.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="text-slate-500">{label}</dt>
          <dd className="break-words">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function signInHref(token: string, prompt?: string) {
  return `/marketplace/start?token=${encodeURIComponent(token)}${prompt ? `&prompt=${prompt}` : ""}`;
}

function Body({ view, token, person }: { view: LandingView; token: string; person: { name: string; email: string } }) {
  switch (view.kind) {
    case "off":
      return (
        <Notice title="Marketplace purchases are not set up here">
          <p>{brand.productName} does not sell through Microsoft&apos;s marketplace on this site yet.</p>
          <p>If you bought a subscription, contact {brand.supportEmail}.</p>
        </Notice>
      );
    case "no-token":
    case "invalid-token":
      return (
        <Notice title="This link cannot be used">
          <p>
            {view.kind === "no-token"
              ? "This page opens from Microsoft's marketplace after a purchase, with a link that identifies it."
              : "The link has expired or is not one Microsoft's marketplace issued. Links to this page are valid for a few hours."}
          </p>
          <p>
            Open your subscription again: in the Azure portal or the Microsoft 365 admin center, under your SaaS
            subscriptions, choose <strong>Manage account</strong> (or <strong>Configure account</strong>).
          </p>
        </Notice>
      );
    case "sign-in":
      return (
        <Notice title="Sign in to set up your subscription">
          <p>Sign in with the work account you bought {brand.productName} with.</p>
          <MicrosoftSignInLink href={signInHref(token)} />
        </Notice>
      );
    case "other-publisher":
      return (
        <Notice title="This purchase is for another product">
          <p>
            Microsoft reports that this purchase is for an offer that {brand.productName} does not sell. Open it from
            the product you bought.
          </p>
        </Notice>
      );
    case "unavailable":
      return (
        <Notice title="Microsoft's marketplace is not answering right now">
          <p>Nothing was activated and nothing was charged. Try again in a minute.</p>
          <p>
            <a href={`/marketplace?token=${encodeURIComponent(token)}`} className="text-brand underline">
              Try again
            </a>
          </p>
          <p className="text-sm text-slate-500">Reference for support: {view.reference}</p>
        </Notice>
      );
    case "unsubscribed":
      return (
        <Notice title="This subscription was cancelled">
          <p>It can no longer be activated. To use {brand.productName} again, buy a new subscription.</p>
          <PurchaseDetails purchase={view.purchase} />
        </Notice>
      );
    case "active":
      return (
        <Notice title="Your subscription is active">
          <PurchaseDetails purchase={view.purchase} />
          {view.inWorkspace ? (
            <p>
              <Link
                href="/plan"
                className="inline-block rounded bg-brand px-4 py-2 font-medium text-white hover:bg-brand-dark"
              >
                Go to your workspace
              </Link>
            </p>
          ) : (
            <p>
              It belongs to the organization of {view.purchase.beneficiary.email ?? "its beneficiary"}: its people sign
              in with their work accounts.
            </p>
          )}
        </Notice>
      );
    case "not-allowed":
      return (
        <Notice title="Only the purchaser can activate this subscription">
          <p>
            You are signed in as {person.email || person.name}. This subscription can be activated by the person who
            bought it ({view.purchase.purchaser.email ?? "the purchaser"}). Ask them to open this page, or sign in with
            their account.
          </p>
          <MicrosoftSignInLink href={signInHref(token, "select_account")} label="Sign in with another account" />
        </Notice>
      );
    case "ready":
      return (
        <section className="max-w-2xl space-y-6">
          <h1 className="text-3xl font-semibold text-brand-dark">Activate your subscription</h1>
          <p className="text-slate-700">
            Thank you for buying {brand.productName}. Check what you bought, confirm who we contact, and activate: your
            organization can use it right away.
          </p>
          <PurchaseDetails purchase={view.purchase} />
          <ActivateForm token={token} contact={person} />
        </section>
      );
  }
}

export default async function MarketplaceLandingPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const token = purchaseToken((await searchParams).token);
  const person = await currentPerson();
  const view = await landingView(await db(), token, person);
  return <Body view={view} token={token ?? ""} person={{ name: person?.name ?? "", email: person?.email ?? "" }} />;
}
