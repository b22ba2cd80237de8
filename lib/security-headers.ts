// Security headers of every page. Scripts run only with this response's nonce (no
// 'unsafe-inline' scripts: Next.js puts the nonce on its own scripts when it finds it in the
// request's Content-Security-Policy); nobody may frame the app (clickjacking); HSTS once the app
// is served over https. OWASP ASVS 5.0 V3.4 (browser security mechanism headers).
export function contentSecurityPolicy(nonce: string, development: boolean): string {
  return [
    "default-src 'self'",
    // React's development tools evaluate code; production never needs 'unsafe-eval'.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** HSTS, once the app is served over https (the other fixed headers are in next.config.js). */
export function transportSecurityHeaders(https: boolean): Record<string, string> {
  return https ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {};
}
