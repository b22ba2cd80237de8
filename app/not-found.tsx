import Link from "next/link";

export default function NotFound() {
  return (
    <section className="max-w-2xl space-y-4">
      <h1 className="text-2xl font-semibold text-brand-dark">Page not found</h1>
      <p className="text-slate-700">There is no page at this address.</p>
      <Link href="/" className="text-brand underline">
        Go to the home page
      </Link>
    </section>
  );
}
