// The page a person gets while the database is down (proxy.ts): 503 with Retry-After, written
// for them, complete on its own (no script, no database, no stylesheet that might not load), and
// nothing of the failure in it: no error text, no host, no stack (issue "Many instances").
// Its "Try again" is a plain link to the address they asked for, so it works without JavaScript.
import { brand } from "./brand";

/** Seconds a browser or client is asked to wait before trying again. */
export const RETRY_AFTER_SECONDS = 5;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/**
 * A path of this site: one leading slash, no second slash or backslash after it (browsers read
 * "//host" and "/\host" as another site), no control characters.
 */
export function isOwnPath(path: string): boolean {
  return /^\/(?![/\\])[^\\\x00-\x1f]*$/.test(path);
}

export function unavailablePage(path: string): string {
  // Only the path and query of this site (never a host): the proxy passes its own request's.
  const again = escapeHtml(isOwnPath(path) ? path : "/");
  const product = escapeHtml(brand.productName);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Temporarily unavailable | ${product}</title>
<style>
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#0f172a;background:#f8fafc}
header{background:#0c3b5e;color:#fff;padding:1rem 1.5rem;font-weight:600}
main{max-width:40rem;margin:3rem auto;padding:0 1.5rem}
h1{font-size:1.5rem;color:#0c3b5e}
p{line-height:1.6;color:#334155}
a.again{display:inline-block;margin-top:1rem;background:#0f6cbd;color:#fff;padding:.6rem 1.2rem;border-radius:.25rem;text-decoration:none;font-weight:500}
a.again:hover,a.again:focus{background:#0c3b5e}
</style>
</head>
<body>
<header>${product}</header>
<main>
<h1>${product} is temporarily unavailable</h1>
<p>We can't reach our data right now. Nothing you did caused this, and nothing you saved was lost. We are usually back within a minute or two.</p>
<a class="again" href="${again}">Try again</a>
</main>
</body>
</html>
`;
}

/** The 503 answer itself, never cached (a shared cache must not keep it after we are back). */
export function unavailableResponseInit(): ResponseInit {
  return {
    status: 503,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Retry-After": String(RETRY_AFTER_SECONDS),
    },
  };
}
