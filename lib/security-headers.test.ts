import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, transportSecurityHeaders } from "./security-headers";

describe("security headers", () => {
  it("allow scripts by nonce only in production", () => {
    const csp = contentSecurityPolicy("abc", false);
    expect(csp).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    const scriptSrc = csp.split("; ").find((directive) => directive.startsWith("script-src"));
    expect(scriptSrc).not.toMatch(/unsafe-(inline|eval)/);
    expect(contentSecurityPolicy("abc", true)).toContain("'unsafe-eval'"); // React's dev tools only
  });

  it("send HSTS over https only", () => {
    expect(transportSecurityHeaders(true)).toEqual({
      "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    });
    expect(transportSecurityHeaders(false)).toEqual({});
  });
});
