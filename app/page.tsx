import { brand } from "@/lib/brand";

export default function HomePage() {
  return (
    <section className="space-y-6">
      <h1 className="text-4xl font-bold tracking-tight text-brand-dark">{brand.productName}</h1>
      <p className="max-w-2xl text-lg text-slate-700">
        Try it with your work account: one click from Microsoft AppSource, no credit card, no setup. Your
        organization&apos;s data stays in your organization&apos;s own space.
      </p>
    </section>
  );
}
