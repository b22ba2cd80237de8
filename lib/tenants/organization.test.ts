import { beforeEach, describe, expect, it, vi } from "vitest";

// Entra's answers, scripted: what appTokenForTenant() throws or returns, call after call.
const entra = vi.hoisted(() => ({ answers: [] as (Error | { accessToken: string })[], calls: 0 }));
vi.mock("../entra/msal", async (importOriginal) => {
  const real = await importOriginal<typeof import("../entra/msal")>();
  const appTokenForTenant = async () => {
    entra.calls++;
    const answer = entra.answers.shift() ?? new Error("no more answers");
    if (answer instanceof Error) throw answer;
    return { ...answer, tid: "t", roles: [] };
  };
  return {
    ...real,
    appTokenForTenant,
    // The real retry loop, over the scripted token function.
    appTokenAllowingReplication: async (tid: string, delays: readonly number[]) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await appTokenForTenant();
        } catch (error) {
          if (!(error instanceof real.AppNotInstalledError) || attempt >= delays.length) throw error;
        }
      }
    },
  };
});
const graph = vi.hoisted(() => ({ refuse: false, tokens: [] as string[] }));
vi.mock("../entra/graph", () => ({
  fetchOrganization: async (token: string) => {
    graph.tokens.push(token);
    if (graph.refuse) throw new Error("Microsoft Graph /organization answered 403");
    return { displayName: "Contoso", defaultDomain: "contoso.com", domains: [] };
  },
}));
const revoked = vi.hoisted(() => [] as string[]);
vi.mock("./lifecycle", () => ({
  markConsentRevoked: async (_prisma: unknown, tid: string) => {
    revoked.push(tid);
    return true;
  },
}));

const { AppNotInstalledError, ResourceDisabledError } = await import("../entra/msal");
const { learnOrganizationAtSignIn, refreshOrganization } = await import("./organization");

const TID = "4a1e9b5c-2f3d-4c8a-9e6b-1d2c3b4a5f60";
const updates: unknown[] = [];
const prisma = { tenant: { updateMany: async (args: unknown) => updates.push(args) } } as never;
const notInstalled = () => new AppNotInstalledError(TID, "700016");

describe("reading the organization's details", () => {
  beforeEach(() => {
    entra.answers = [];
    entra.calls = 0;
    revoked.length = 0;
    updates.length = 0;
    graph.refuse = false;
    graph.tokens.length = 0;
  });

  it("at the sign-in that created the tenant, reads it with the person's own token and asks Entra for no app-only token (so never concludes a revocation)", async () => {
    entra.answers = [notInstalled()];
    expect(await learnOrganizationAtSignIn(prisma, TID, { accessToken: "delegated", email: "megan@contoso.com" })).toBe(
      "graph",
    );
    expect(graph.tokens).toEqual(["delegated"]);
    expect(updates).toEqual([
      {
        where: { id: TID, displayNameCorrectedAt: null },
        data: { displayName: "Contoso", primaryDomain: "contoso.com" },
      },
    ]);
    expect(entra.calls).toBe(0);
    expect(revoked).toEqual([]);
  });

  it("falls back to the e-mail's domain when Graph refuses, never to nothing", async () => {
    graph.refuse = true;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    expect(await learnOrganizationAtSignIn(prisma, TID, { accessToken: "delegated", email: "Megan@Contoso.com" })).toBe(
      "email-domain",
    );
    expect(updates).toEqual([
      {
        where: { id: TID, displayNameCorrectedAt: null },
        data: { displayName: "contoso.com", primaryDomain: "contoso.com" },
      },
    ]);
    expect(await learnOrganizationAtSignIn(prisma, TID, { email: "not an address" })).toBe("unknown");
    warn.mockRestore();
  });

  it("retries with backoff, and a consent that shows up meanwhile is not a revocation", async () => {
    entra.answers = [notInstalled(), notInstalled(), { accessToken: "a" }];
    expect(await refreshOrganization(prisma, TID, { retryDelaysMs: [0, 0, 0] })).toBe("updated");
    expect(entra.calls).toBe(3);
    expect(revoked).toEqual([]);
    expect(updates).toHaveLength(1);
  });

  it("marks the tenant revoked only when 'not installed' persists through every retry", async () => {
    entra.answers = [notInstalled(), notInstalled(), notInstalled()];
    expect(await refreshOrganization(prisma, TID, { retryDelaysMs: [0, 0] })).toBe("revoked");
    expect(entra.calls).toBe(3);
    expect(revoked).toEqual([TID]);
  });

  it("takes AADSTS500014 (Microsoft Graph disabled in the tenant) as details unavailable, not a revocation", async () => {
    entra.answers = [new ResourceDisabledError(TID, "500014")];
    expect(await refreshOrganization(prisma, TID, { retryDelaysMs: [0] })).toBe("unavailable");
    expect(revoked).toEqual([]);
  });
});
