// Every redirect target that comes from input stays on our own origin (../SECURITY.md
// "Sessions and requests"; OWASP ASVS 5.0 V3.7 unvalidated redirects).
export const RETURN_PARAMETERS = ["callbackUrl", "returnTo", "redirectTo"] as const;

/** The target resolved against our origin, or null when it leaves it or cannot be parsed. */
export function sameOriginTarget(value: string, origin: string): URL | null {
  // Backslashes and control characters are read differently by browsers and servers.
  if (/[\\\u0000-\u001f]/.test(value)) return null;
  try {
    const target = new URL(value, origin);
    return target.origin === new URL(origin).origin ? target : null;
  } catch {
    return null;
  }
}
