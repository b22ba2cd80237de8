import { afterEach, describe, expect, it, vi } from "vitest";
import { explainSignInError } from "./sign-in-errors";

describe("the sign-in error page's reading of the URL", () => {
  const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
  afterEach(() => warn.mockClear());

  it("picks our text from the AADSTS code, and keeps the number alone", () => {
    expect(
      explainSignInError({ error: "access_denied", error_description: "AADSTS65004: User declined to consent." }),
    ).toMatchObject({ problem: "declined", aadsts: "65004" });
    expect(
      explainSignInError({ error: "access_denied", error_description: "AADSTS50105: not assigned" }),
    ).toMatchObject({
      problem: "not-assigned",
      aadsts: "50105",
    });
    expect(explainSignInError({ error: "invalid_request", error_description: "AADSTS53003: blocked" }).problem).toBe(
      "blocked-by-policy",
    );
  });

  it("tells a declined permission screen from an organization where only an administrator can approve", () => {
    const problemOf = (error: string, description: string) =>
      explainSignInError({ error, error_description: description }).problem;
    expect(problemOf("access_denied", "AADSTS65004: User declined to consent to access the app.")).toBe("declined");
    expect(problemOf("consent_required", "AADSTS65001: The user or administrator has not consented.")).toBe("declined");
    // "Need admin approval", then "Return to the application without granting consent".
    expect(problemOf("access_denied", "AADSTS90094: The grant requires admin permission.")).toBe(
      "needs-admin-approval",
    );
    expect(problemOf("access_denied", "AADSTS90093: This application requires admin consent.")).toBe(
      "needs-admin-approval",
    );
    // The admin consent workflow: the person's request went to the reviewers.
    expect(problemOf("access_denied", "AADSTS90095: Admin consent is required.")).toBe("admin-approval-requested");
    // The number decides, not the OAuth error next to it.
    expect(problemOf("consent_required", "AADSTS90094: The grant requires admin permission.")).toBe(
      "needs-admin-approval",
    );
    // Without a number: the OAuth error alone.
    expect(problemOf("access_denied", "")).toBe("declined");
  });

  it("sends a personal Microsoft account, refused by Entra, to the page written for it", () => {
    expect(
      explainSignInError({
        error: "invalid_request",
        error_description: "AADSTS500200: User account 'sam@outlook.com' is a personal Microsoft account.",
      }),
    ).toMatchObject({ problem: "personal-account", aadsts: "500200" });
  });

  it("gives unknown codes, and names of Object's own properties, the generic text", () => {
    for (const error of ["constructor", "__proto__", "toString", "hasOwnProperty", "Call +1 555 0100", ""]) {
      expect(explainSignInError({ error }).problem, error).toBe("generic");
    }
    expect(explainSignInError({ error_description: "AADSTS99999999: made up" })).toMatchObject({
      problem: "generic",
      aadsts: "99999999",
    });
  });

  it("logs the details, one line, under the reference it shows, with nothing a visitor can forge", () => {
    const description = "AADSTS65004: Call +1 555 0100 now\n[signin] reference=forged";
    const { reference } = explainSignInError({ error: "access_denied", error_description: description });
    expect(reference).toMatch(/^[0-9a-f-]{36}$/);
    expect(warn).toHaveBeenCalledTimes(1);
    const line = String(warn.mock.calls[0]![0]);
    expect(line).toContain(`reference=${reference}`);
    expect(line).toContain("aadsts=65004");
    expect(line).toContain("Call +1 555 0100");
    expect(line).not.toContain("\n");
  });
});
