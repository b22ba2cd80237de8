// What the legal pages (/privacy, /terms) share: the placeholder mark, the support address and the
// box that says the page is a template to replace.
import { brand } from "@/lib/brand";

/** A placeholder the company fills in: marked so it stands out until it is replaced. */
export function Fill({ children }: { children: React.ReactNode }) {
  return <mark className="rounded bg-amber-100 px-1 text-slate-900">[{children}]</mark>;
}

export function SupportMail() {
  return (
    <a href={`mailto:${brand.supportEmail}`} className="break-all text-brand underline">
      {brand.supportEmail}
    </a>
  );
}

/** The page's title, who provides the product, and the "template to replace" box. */
export function LegalHeader({ title, notA, file }: { title: string; notA: string; file: string }) {
  const { productName, vendorName } = brand;
  return (
    <header className="space-y-3">
      <h1 className="text-3xl font-semibold break-words text-brand-dark">{title}</h1>
      <p className="break-words">
        {productName}, provided by {vendorName}
        <br />
        Last updated: <Fill>date</Fill>
      </p>
      <div role="note" className="rounded border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
        <strong>Template to replace.</strong> This is the starter&apos;s sample text, not {notA}. {vendorName} must
        replace it, and every bracketed placeholder, with its own text, reviewed by a lawyer, before customers use{" "}
        {productName} ({file}).
      </div>
    </header>
  );
}
