"use client";

// Last resort when even the root layout fails: a complete page with no dependencies.
export default function GlobalError({ error }: { error: Error & { digest?: string } }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", margin: "3rem", color: "#0f172a" }}>
        <h1>We can&apos;t show this page right now</h1>
        <p>Something on our side is not responding. Please try again in a moment.</p>
        {error.digest ? <p style={{ color: "#64748b" }}>Reference: {error.digest}</p> : null}
      </body>
    </html>
  );
}
