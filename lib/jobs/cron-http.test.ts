import { describe, expect, it } from "vitest";
import { cronAuthorized } from "./cron-http";

describe("the cron route's secret", () => {
  const secret = "a-cron-secret-of-some-length-0123456789";
  it("lets in exactly the configured bearer secret", () => {
    expect(cronAuthorized(`Bearer ${secret}`, secret)).toBe(true);
    expect(cronAuthorized(null, secret)).toBe(false);
    expect(cronAuthorized(secret, secret)).toBe(false);
    expect(cronAuthorized(`Bearer ${secret}x`, secret)).toBe(false);
    expect(cronAuthorized(`Bearer ${secret.slice(0, -1)}`, secret)).toBe(false);
    expect(cronAuthorized("Bearer ", secret)).toBe(false);
  });
});
