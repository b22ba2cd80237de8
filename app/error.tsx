"use client";

// Shown instead of a page that failed on the server (the database unreachable, for instance).
// The visitor gets an explanation and a way to retry; the details stay in the server log.
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section role="alert" className="max-w-2xl space-y-4">
      <h1 className="text-2xl font-semibold text-brand-dark">We can&apos;t show this page right now</h1>
      <p className="text-slate-700">
        Something on our side is not responding. Nothing you did caused this, and nothing was lost. Please try again in
        a moment.
      </p>
      <button
        type="button"
        onClick={reset}
        className="rounded bg-brand px-4 py-2 font-medium text-white hover:bg-brand-dark"
      >
        Try again
      </button>
      {error.digest ? <p className="text-sm text-slate-500">Reference: {error.digest}</p> : null}
    </section>
  );
}
