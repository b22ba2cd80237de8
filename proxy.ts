// Runs before the gated routes (Next.js 16 "proxy", on Node.js).
// - The identity provider's errors on the sign-in callback go to our page, not Auth.js's.
// - Gated routes: a request without a session cookie is turned away here, before any rendering
//   or database work. Whether a session may see tenant data is decided where the data is read
//   (lib/tenants/access.ts, one indexed query): the proxy alone is never trusted
//   (CVE-2025-29927), and asking the database twice per request would buy nothing.
import { NextResponse, type NextRequest } from "next/server";
import { sessionCookie } from "./lib/auth/session";

export function proxy(request: NextRequest): NextResponse {
  const { pathname, searchParams } = request.nextUrl;

  if (pathname.startsWith("/api/auth/")) {
    // Declined consent, "Need admin approval", ...: our page explains it (text escaped there).
    if (pathname.startsWith("/api/auth/callback/") && searchParams.has("error")) {
      const target = new URL("/signin/error", request.url);
      for (const name of ["error", "error_description", "error_subcode"]) {
        const value = searchParams.get(name);
        if (value) target.searchParams.set(name, value.slice(0, 500));
      }
      return NextResponse.redirect(target);
    }
    return NextResponse.next();
  }

  if (request.cookies.has(sessionCookie().name)) return NextResponse.next();
  return NextResponse.redirect(new URL("/", request.url));
}

export const config = {
  // API routes are not matched: each answers 401/403 itself from its own gate check, and a proxy
  // run per API request would cost more than the check it saves.
  matcher: ["/dashboard/:path*", "/api/auth/callback/:path*"],
};
