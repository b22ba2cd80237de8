import { afterEach, describe, expect, it, vi } from "vitest";
import { microsoftSignOutUrl } from "./sign-out";

vi.mock("../config", () => ({ config: () => ({ entra: { issuer: "https://login.example/common/v2.0" } }) }));

describe("the Microsoft sign-out address", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("is read from discovery; a failed discovery is not kept, so it is found once discovery recovers", async () => {
    const answers = [
      () => Response.json({ error: "temporarily_unavailable" }, { status: 500 }),
      () => new Response("<html>Service unavailable</html>", { headers: { "content-type": "text/html" } }),
      () => Response.json({ issuer: "https://login.example/{tenantid}/v2.0" }),
      () => Response.json({ end_session_endpoint: "https://login.example/common/oauth2/v2.0/logout" }),
    ];
    const fetches = vi.fn(async () => answers.shift()!());
    vi.stubGlobal("fetch", fetches);
    for (let failed = 0; failed < 3; failed++) {
      expect(await microsoftSignOutUrl("https://app.example")).toBeUndefined();
    }
    const url = "https://login.example/common/oauth2/v2.0/logout?post_logout_redirect_uri=https%3A%2F%2Fapp.example%2F";
    expect(await microsoftSignOutUrl("https://app.example")).toBe(url);
    expect(await microsoftSignOutUrl("https://app.example")).toBe(url); // found: kept
    expect(fetches).toHaveBeenCalledTimes(4);
  });
});
