// Runs before the gated routes (Next.js 16 "proxy", on Node.js). It asks the gate and sends
// people who may not get in to the page written for them. Pages and API routes ask the gate
// again where they read data: the proxy alone is never trusted (CVE-2025-29927).
import { NextResponse, type NextRequest } from "next/server";
import { findSession, sessionCookie } from "./lib/auth/session";
import { db } from "./lib/db/client";
import { decideAccess, pageFor } from "./lib/tenants/gate";

export async function proxy(request: NextRequest): Promise<NextResponse> {
  const { pathname, searchParams } = request.nextUrl;

  // The identity provider sent an error back (declined consent, "Need admin approval", ...):
  // show our page for it, with its text escaped there, instead of Auth.js's generic one.
  if (pathname.startsWith("/api/auth/callback/") && searchParams.has("error")) {
    const target = new URL("/signin/error", request.url);
    for (const name of ["error", "error_description", "error_subcode"]) {
      const value = searchParams.get(name);
      if (value) target.searchParams.set(name, value.slice(0, 500));
    }
    return NextResponse.redirect(target);
  }
  if (pathname.startsWith("/api/auth/")) return NextResponse.next();

  const decision = decideAccess(await findSession(await db(), request.cookies.get(sessionCookie().name)?.value));
  if (decision.kind === "allowed") return NextResponse.next();
  if (pathname.startsWith("/api/")) {
    return NextResponse.json({ error: decision.kind }, { status: decision.kind === "signed-out" ? 401 : 403 });
  }
  return NextResponse.redirect(new URL(pageFor(decision), request.url));
}

export const config = {
  matcher: ["/dashboard/:path*", "/api/tenant/:path*", "/api/auth/callback/:path*"],
};
