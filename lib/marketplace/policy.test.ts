import { describe, expect, it } from "vitest";
import { decideChange, type ChangeRequest } from "./policy";

const request = (to: ChangeRequest["to"], peopleUsingTheApp: number): ChangeRequest => ({
  action: "ChangeQuantity",
  subscriptionId: "s",
  tenantId: "t",
  from: { planId: "per-user", quantity: 10 },
  to,
  peopleUsingTheApp,
});

describe("the default change policy", () => {
  it("accepts more seats, the same number as people using the app, and flat-rate plans", () => {
    expect(decideChange(request({ planId: "per-user", quantity: 20 }, 8))).toEqual({ accept: true });
    expect(decideChange(request({ planId: "per-user", quantity: 8 }, 8))).toEqual({ accept: true });
    expect(decideChange(request({ planId: "team-monthly", quantity: null }, 50))).toEqual({ accept: true });
  });

  it("refuses fewer seats than people using the app, and says why", () => {
    const decision = decideChange(request({ planId: "per-user", quantity: 3 }, 4));
    expect(decision).toEqual({ accept: false, reason: expect.stringContaining("3 seat(s) asked for, but 4 people") });
  });
});
