import { describe, expect, it } from "vitest";
import { unavailablePage, unavailableResponseInit } from "./unavailable-page";

describe("unavailablePage", () => {
  it("links back to the path asked for, escaped", () => {
    const page = unavailablePage('/dashboard?q="><script>alert(1)</script>');
    expect(page).toContain('href="/dashboard?q=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(page).not.toContain("<script>");
  });

  it.each(["//evil.example/", "/\\evil.example/", "https://evil.example/", "javascript:alert(1)", "/a\nb"])(
    "never links to another site (%s)",
    (path) => {
      expect(unavailablePage(path)).toContain('href="/"');
    },
  );

  it("is a 503 that asks to retry and is never cached", () => {
    const init = unavailableResponseInit();
    expect(init.status).toBe(503);
    expect(init.headers).toMatchObject({ "Retry-After": "5", "Cache-Control": "no-store" });
  });
});
