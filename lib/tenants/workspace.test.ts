import { describe, expect, it } from "vitest";
import { accountId } from "../auth/adapter";
import { workspaceIdFor } from "./workspace";

const PERSONAL = "9188040d-6c67-4c5b-b112-36a304b66dad";
const SAM = "00000000-0000-0000-6b2a-3c4d5e6f7a81";
const CHRIS = "00000000-0000-0000-7c3b-4d5e6f7a8b92";

describe("which workspace a person belongs to", () => {
  it("is the organization's tenant for work and school accounts", () => {
    expect(workspaceIdFor("4A1E9B5C-2F3D-4C8A-9E6B-1D2C3B4A5F60", SAM)).toBe("4a1e9b5c-2f3d-4c8a-9e6b-1d2c3b4a5f60");
  });

  it("is a workspace of its own for each personal account, never the shared personal-account tenant", () => {
    const sam = workspaceIdFor(PERSONAL, SAM);
    const chris = workspaceIdFor(PERSONAL, CHRIS);
    expect(sam).not.toBe(chris);
    expect([sam, chris]).not.toContain(PERSONAL);
    expect(sam).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Stable: the same person finds the same workspace at every sign-in.
    expect(workspaceIdFor(PERSONAL, SAM.toUpperCase())).toBe(sam);
    expect(accountId(PERSONAL, SAM)).toBe(`${sam}/${SAM}`);
  });
});
