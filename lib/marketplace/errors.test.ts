import { describe, expect, it } from "vitest";
import { MarketplaceBadRequest, MarketplaceUnavailable, errorForStatus, redactedDetail } from "./errors";

const context = { operation: "getSubscription", requestId: "r", correlationId: "c" };

describe("redactedDetail", () => {
  it("keeps Microsoft's code and message, and the GUIDs in them", () => {
    expect(
      redactedDetail(
        '{"error":{"code":"EntityNotFound","message":"Subscription 37f9dea2-4345-438f-b0bd-03d40d28c7e0 not found"}}',
      ),
    ).toBe("EntityNotFound: Subscription 37f9dea2-4345-438f-b0bd-03d40d28c7e0 not found");
    expect(redactedDetail('{"message":"Plan is not available"}')).toBe("Plan is not available");
    expect(redactedDetail("  \n ")).toBeUndefined();
  });

  it("removes token-like runs and the given secrets, and stays short", () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiIyMGU5NDBiMyJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
    expect(redactedDetail(`bad bearer ${jwt} here`)).toBe("bad bearer [redacted] here");
    expect(redactedDetail("token tok-1 refused", ["tok-1"])).toBe("token [redacted] refused");
    const long = redactedDetail("word ".repeat(200));
    expect(long!.length).toBeLessThanOrEqual(301);
    expect(long!.endsWith("…")).toBe(true);
  });
});

describe("errorForStatus", () => {
  it("is null for a success and never puts the body's detail in the message", () => {
    expect(errorForStatus(200, context)).toBeNull();
    expect(errorForStatus(202, context)).toBeNull();
    const error = errorForStatus(400, { ...context, detail: "secret-looking detail" });
    expect(error).toBeInstanceOf(MarketplaceBadRequest);
    expect(error!.message).not.toContain("secret-looking");
    expect(error!.detail).toBe("secret-looking detail");
  });

  it("counts every 5xx as the API being unavailable", () => {
    for (const status of [500, 502, 503, 504]) {
      const error = errorForStatus(status, context) as MarketplaceUnavailable;
      expect(error).toBeInstanceOf(MarketplaceUnavailable);
      expect(error.reason).toBe("server");
      expect(error.message).toBe(`getSubscription: the marketplace API answered ${status}`);
    }
  });
});
