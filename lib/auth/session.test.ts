import { describe, expect, it } from "vitest";
import { hashSessionToken, sessionCookie } from "./session";

describe("the session cookie", () => {
  it("is __Host- and Secure when the app is served over https", () => {
    expect(sessionCookie("https://app.example.com")).toEqual({ name: "__Host-appsource.session", secure: true });
    expect(sessionCookie("http://localhost:3000")).toEqual({ name: "appsource.session", secure: false });
  });

  it("is stored only as a SHA-256", () => {
    expect(hashSessionToken("token")).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSessionToken("token")).not.toContain("token");
  });
});
