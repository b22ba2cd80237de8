import { describe, expect, it } from "vitest";
import { parseSignupSource, signupSourceFrom } from "./signup-source";

describe("the sign-up source", () => {
  it("keeps AppSource's and campaigns' parameters, and nothing else", () => {
    const picked = signupSourceFrom(
      new URLSearchParams("source=appsource&utm_source=ms&utm_campaign=launch&callbackUrl=https://evil.example&x=1"),
    );
    expect(picked).toEqual({ source: "appsource", utm_source: "ms", utm_campaign: "launch" });
  });

  it("bounds sizes", () => {
    expect(signupSourceFrom(new URLSearchParams(`source=${"a".repeat(1000)}`)).source).toHaveLength(200);
  });

  it("reads back only a well-formed cookie", () => {
    expect(parseSignupSource(JSON.stringify({ source: "appsource" }))).toEqual({ source: "appsource" });
    expect(parseSignupSource(JSON.stringify({ admin: "true" }))).toBeUndefined();
    expect(parseSignupSource("not json")).toBeUndefined();
    expect(parseSignupSource(undefined)).toBeUndefined();
  });
});
