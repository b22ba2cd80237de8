// Runs before every page and the gated routes (Next.js 16 "proxy", on Node.js).
// - Security headers on every page, with a fresh script nonce (lib/security-headers.ts).
// - The identity provider's errors on the sign-in callback go to our page, not Auth.js's.
// - Gated pages: a request without a session cookie is turned away here, before any rendering
//   or database work. Whether a session may see tenant data is decided where the data is read
//   (lib/tenants/access.ts, one indexed query): the proxy alone is never trusted
//   (CVE-2025-29927), and asking the database twice per request would buy nothing. API routes
//   answer 401/403 themselves from their own gate check.
import { NextResponse, type NextRequest } from "next/server";
import { RETURN_PARAMETERS, sameOriginTarget } from "./lib/auth/redirects";
import { sessionCookie } from "./lib/auth/session";
import { config as appConfig } from "./lib/config";
import { databaseIsDown, REQUEST_PATH_HEADER } from "./lib/db/availability";
import { appOrigin } from "./lib/public-url";
import { contentSecurityPolicy, transportSecurityHeaders } from "./lib/security-headers";
import { unavailablePage, unavailableResponseInit } from "./lib/unavailable-page";

// Pages that never read the database: served while it is down. The home page reads it only for a
// signed-in visitor (to offer the way back to the workspace).
const PAGES_WITHOUT_DATABASE = new Set([
  "/privacy",
  "/terms",
  "/signed-out",
  "/signin/error",
  "/signin/personal-account",
]);

function needsDatabase(request: NextRequest): boolean {
  const { pathname } = request.nextUrl;
  if (PAGES_WITHOUT_DATABASE.has(pathname)) return false;
  return pathname !== "/" || request.cookies.has(sessionCookie().name);
}

function withSecurityHeaders(request: NextRequest, respond: (headers: Headers) => NextResponse): NextResponse {
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = contentSecurityPolicy(nonce, appConfig().nodeEnv === "development");
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  // Where this request was going, for a page that meets the database down (lib/db/outage-redirect.ts).
  requestHeaders.set(REQUEST_PATH_HEADER, request.nextUrl.pathname + request.nextUrl.search);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = respond(requestHeaders);
  response.headers.set("Content-Security-Policy", csp);
  for (const [name, value] of Object.entries(
    transportSecurityHeaders((appConfig().auth.url ?? "").startsWith("https://")),
  )) {
    response.headers.set(name, value);
  }
  return response;
}

export function proxy(request: NextRequest): NextResponse {
  const { pathname, searchParams } = request.nextUrl;

  // A return address from the request must stay on our origin: anything else is a bad request.
  for (const name of RETURN_PARAMETERS) {
    const value = searchParams.get(name);
    if (value !== null && !sameOriginTarget(value, appOrigin(request))) {
      return new NextResponse(`Bad request: ${name} must be an address on this site.`, {
        status: 400,
        headers: { "content-type": "text/plain; charset=utf-8" },
      });
    }
  }

  if (pathname.startsWith("/api/auth/")) {
    // Declined consent, "Need admin approval", ...: our page explains it (text escaped there).
    if (pathname.startsWith("/api/auth/callback/") && searchParams.has("error")) {
      const target = new URL("/signin/error", appOrigin(request));
      for (const name of ["error", "error_description", "error_subcode"]) {
        const value = searchParams.get(name);
        if (value) target.searchParams.set(name, value.slice(0, 500));
      }
      return NextResponse.redirect(target);
    }
    return NextResponse.next();
  }

  if (pathname.startsWith("/dashboard") && !request.cookies.has(sessionCookie().name)) {
    return NextResponse.redirect(new URL("/", appOrigin(request)));
  }
  // The database is down (lib/db/availability.ts): a page written for people, 503, at once.
  if (needsDatabase(request) && databaseIsDown()) {
    const page = unavailablePage(pathname + request.nextUrl.search);
    return withSecurityHeaders(request, () => new NextResponse(page, unavailableResponseInit()));
  }
  return withSecurityHeaders(request, (headers) => NextResponse.next({ request: { headers } }));
}

export const config = {
  // Every page; not API routes (they set their own answers) nor static files.
  matcher: [
    "/api/auth/:path*",
    {
      source: "/((?!api/|_next/static|_next/image|icon.svg|favicon.ico).*)",
      missing: [{ type: "header", key: "next-router-prefetch" }],
    },
  ],
};
