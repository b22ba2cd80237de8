// The frame of the pages people meet when they cannot (yet) get in.
import Link from "next/link";

export function Notice({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="max-w-2xl space-y-4">
      <h1 className="text-3xl font-semibold text-brand-dark">{title}</h1>
      <div className="space-y-3 text-slate-700">{children}</div>
      <p>
        <Link href="/" className="text-brand underline">
          Home
        </Link>
      </p>
    </section>
  );
}
