import { describe, expect, it } from "vitest";
import { admitToConsole, consoleRoleOf, decideOperatorAccess, mayAct, type OperatorSessionRow } from "./gate";
import { csvField } from "./tenants";

const PUBLISHER = "7d4b2e8f-5a6c-4f1d-ab9e-4a5f6e7d8c93";
const CUSTOMER = "4a1e9b5c-2f3d-4c8a-9e6b-1d2c3b4a5f60";
const now = new Date("2026-11-21T12:00:00Z");
const row = (overrides: Partial<OperatorSessionRow> = {}): OperatorSessionRow => ({
  tenantId: PUBLISHER,
  oid: "3d0f4c5b-4e6a-4b8c-9d2e-3f4a5b6c7d01",
  name: "Pat Operator",
  email: "pat@adatum.com",
  role: "OPERATOR",
  expiresAt: new Date("2026-11-21T12:30:00Z"),
  ...overrides,
});

describe("who may open a console session", () => {
  it("admits the publisher tenant's people with an Operator role, the strongest one", () => {
    expect(admitToConsole({ tid: PUBLISHER, roles: ["Operator"] }, PUBLISHER)).toEqual({
      admitted: true,
      role: "OPERATOR",
    });
    expect(admitToConsole({ tid: PUBLISHER.toUpperCase(), roles: ["Operator.Read"] }, PUBLISHER)).toEqual({
      admitted: true,
      role: "READER",
    });
    expect(consoleRoleOf(["Operator.Read", "Operator"])).toBe("OPERATOR");
  });

  it("refuses a customer tenant's Global Administrator, a publisher person without the role, and a console that is off", () => {
    // A customer's admin holds directory roles (wids), never our app role; even an app role of
    // the same name in another tenant is not the publisher's.
    expect(admitToConsole({ tid: CUSTOMER, roles: ["Operator"] }, PUBLISHER)).toEqual({
      admitted: false,
      reason: "not-publisher",
    });
    expect(admitToConsole({ tid: PUBLISHER, roles: undefined }, PUBLISHER)).toEqual({
      admitted: false,
      reason: "no-role",
    });
    expect(admitToConsole({ tid: PUBLISHER, roles: ["operator", "Admin"] }, PUBLISHER)).toEqual({
      admitted: false,
      reason: "no-role",
    });
    expect(admitToConsole({ tid: PUBLISHER, roles: "Operator" }, PUBLISHER)).toEqual({
      admitted: false,
      reason: "no-role",
    });
    expect(admitToConsole({ tid: PUBLISHER, roles: ["Operator"] }, null)).toEqual({ admitted: false, reason: "off" });
  });
});

describe("the operator gate", () => {
  it("lets a live session of the publisher tenant in, with what its role allows", () => {
    const decision = decideOperatorAccess(row(), PUBLISHER, now);
    expect(decision.kind).toBe("allowed");
    if (decision.kind !== "allowed") return;
    expect(decision.access.actorId).toBe(`operator:${PUBLISHER}/3d0f4c5b-4e6a-4b8c-9d2e-3f4a5b6c7d01`);
    expect(mayAct(decision.access)).toBe(true);
    const reader = decideOperatorAccess(row({ role: "READER" }), PUBLISHER, now);
    expect(reader.kind === "allowed" && mayAct(reader.access)).toBe(false);
  });

  it("turns away no session, an ended one, another tenant's, an unknown role, and everyone when the console is off", () => {
    expect(decideOperatorAccess(null, PUBLISHER, now)).toEqual({ kind: "signed-out" });
    expect(decideOperatorAccess(row({ expiresAt: now }), PUBLISHER, now)).toEqual({ kind: "signed-out" });
    expect(decideOperatorAccess(row({ tenantId: CUSTOMER }), PUBLISHER, now)).toEqual({ kind: "signed-out" });
    expect(decideOperatorAccess(row({ role: "ADMIN" }), PUBLISHER, now)).toEqual({ kind: "signed-out" });
    expect(decideOperatorAccess(row(), null, now)).toEqual({ kind: "off" });
  });
});

describe("CSV fields", () => {
  it("quotes what needs quoting and never lets a spreadsheet read a formula", () => {
    expect(csvField("Contoso")).toBe("Contoso");
    expect(csvField('Contoso, "Ltd"')).toBe('"Contoso, ""Ltd"""');
    expect(csvField('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvField("+1 425")).toBe("'+1 425");
    expect(csvField(null)).toBe("");
  });
});
