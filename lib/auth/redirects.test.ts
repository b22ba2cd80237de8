import { describe, expect, it } from "vitest";
import { sameOriginTarget } from "./redirects";

const origin = "https://app.example.com";

describe("redirect targets", () => {
  it("keep paths and absolute URLs of our own origin", () => {
    expect(sameOriginTarget("/dashboard", origin)?.href).toBe("https://app.example.com/dashboard");
    expect(sameOriginTarget("https://app.example.com/x?y=1", origin)?.pathname).toBe("/x");
  });

  it("refuse other origins, however they are spelled", () => {
    for (const value of [
      "https://evil.example/",
      "//evil.example/path",
      "/\\evil.example",
      "\\\\evil.example",
      "https://app.example.com.evil.example/",
      "http://app.example.com/", // another scheme is another origin
      "javascript:alert(1)",
      "data:text/html,hi",
      "/\tevil",
    ]) {
      expect(sameOriginTarget(value, origin), value).toBeNull();
    }
  });

  it("refuse what cannot be parsed", () => {
    expect(sameOriginTarget("http://[", origin)).toBeNull();
  });
});
