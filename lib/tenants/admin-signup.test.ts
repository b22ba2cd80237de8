import { describe, expect, it } from "vitest";
import {
  checkConsentCallback,
  judgeAdminSignIn,
  openProgress,
  sealProgress,
  type SignupProgress,
} from "./admin-signup";

const TENANT = "5b2f0c6d-3e4a-4d9b-8f7c-2e3d4c5b6a71";
const secret = "s".repeat(40);
const consent: SignupProgress = { stage: "consent", state: "state-of-this-browser" };
const query = (params: Record<string, string>) => new URLSearchParams(params);
const valid = { admin_consent: "True", tenant: TENANT, state: "state-of-this-browser" };

describe("the admin consent callback check", () => {
  it("accepts only this browser's state, admin_consent=True and an organization's GUID", () => {
    expect(checkConsentCallback(query(valid), consent)).toEqual({ ok: true, tenant: TENANT });
  });

  it("refuses an error even next to admin_consent=True", () => {
    expect(checkConsentCallback(query({ ...valid, error: "access_denied" }), consent)).toMatchObject({
      ok: false,
      reason: "declined",
    });
  });

  it("refuses a missing, altered or foreign state, and a browser with no sign-up under way", () => {
    for (const state of ["", "state-of-this-browseR", "state-of-another-browser"]) {
      expect(checkConsentCallback(query({ ...valid, state }), consent)).toMatchObject({ ok: false, reason: "state" });
    }
    expect(checkConsentCallback(query(valid), null)).toMatchObject({ ok: false, reason: "state" });
    expect(checkConsentCallback(query(valid), { stage: "admin-sign-in", tenant: TENANT, flow: "f" })).toMatchObject({
      reason: "state",
    });
  });

  it("refuses tenants that are not an organization's GUID", () => {
    for (const tenant of [
      "common",
      "organizations",
      "consumers",
      "9188040d-6c67-4c5b-b112-36a304b66dad",
      "contoso.com",
      "",
    ]) {
      expect(checkConsentCallback(query({ ...valid, tenant }), consent)).toMatchObject({ ok: false, reason: "tenant" });
    }
    expect(checkConsentCallback(query({ ...valid, admin_consent: "False" }), consent)).toMatchObject({
      reason: "incomplete",
    });
  });
});

describe("the administrator's sign-in (proof 2)", () => {
  const admin = { tid: TENANT, oid: "o", roles: ["62e90394-69f5-4237-9190-012177145e10"] };
  const progress = { tenant: TENANT, flow: "f" };
  it("verifies an admin of the same tenant", () => {
    expect(judgeAdminSignIn(progress, admin)).toEqual({ stage: "verified", tenant: TENANT, oid: "o", flow: "f" });
    expect(judgeAdminSignIn(progress, { ...admin, roles: ["9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"] }).stage).toBe(
      "verified",
    );
  });
  it("refuses a member, and an admin of another tenant", () => {
    expect(judgeAdminSignIn(progress, { ...admin, roles: ["b79fbf4d-3ef9-4689-8143-76b194e85509"] })).toMatchObject({
      reason: "not-admin",
    });
    expect(judgeAdminSignIn(progress, { ...admin, tid: "4a1e9b5c-2f3d-4c8a-9e6b-1d2c3b4a5f60" })).toMatchObject({
      reason: "other-tenant",
    });
  });
});

describe("the sign-up cookie", () => {
  it("opens only what this app sealed, unaltered and unexpired", async () => {
    const sealed = await sealProgress(consent, secret);
    expect(await openProgress(sealed, secret)).toMatchObject(consent);
    expect(await openProgress(sealed, "another secret of forty characters......")).toBeNull();
    expect(await openProgress(`${sealed.slice(0, -2)}xx`, secret)).toBeNull();
    expect(await openProgress(undefined, secret)).toBeNull();
  });
});
