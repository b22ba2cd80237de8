import { describe, expect, it } from "vitest";
import { chromiumInstallCommand, DEBIAN_CHROMIUM, DEBIAN_HEADLESS_SHELL, findChromium } from "./chromium";

const PLAYWRIGHTS = "/home/dev/.cache/ms-playwright/chromium-1/chrome-linux64/chrome";
const only =
  (...present: string[]) =>
  (path: string) =>
    present.includes(path);
const playwrights = () => PLAYWRIGHTS;

describe("which Chromium the browser tests drive", () => {
  it("takes CHROMIUM_PATH first, then Debian's headless shell, Debian's whole browser, Playwright's own", () => {
    expect(findChromium({ CHROMIUM_PATH: "/opt/chrome" }, only("/opt/chrome", DEBIAN_CHROMIUM), playwrights)).toEqual({
      found: true,
      path: "/opt/chrome",
      source: "CHROMIUM_PATH",
    });
    expect(findChromium({}, only(DEBIAN_HEADLESS_SHELL, DEBIAN_CHROMIUM), playwrights)).toMatchObject({
      path: DEBIAN_HEADLESS_SHELL,
    });
    expect(findChromium({}, only(DEBIAN_CHROMIUM, PLAYWRIGHTS), playwrights)).toMatchObject({ path: DEBIAN_CHROMIUM });
    // Playwright's own: no executable to name, Playwright finds it.
    expect(findChromium({}, only(PLAYWRIGHTS), playwrights)).toEqual({
      found: true,
      path: undefined,
      source: "Playwright's Chromium",
    });
  });

  it("names a CHROMIUM_PATH that does not exist, rather than trying another", () => {
    expect(findChromium({ CHROMIUM_PATH: "/opt/nothing" }, only(DEBIAN_CHROMIUM), playwrights)).toEqual({
      found: false,
      problem: "CHROMIUM_PATH names /opt/nothing, which does not exist",
    });
  });

  it("says when there is none", () => {
    expect(findChromium({}, only(), playwrights)).toMatchObject({ found: false });
  });

  it("gives the one command that gets one: Debian's package on Debian, Playwright's download elsewhere", () => {
    expect(chromiumInstallCommand(() => 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n')).toBe(
      "sudo apt-get install -y chromium-headless-shell",
    );
    expect(chromiumInstallCommand(() => "ID=ubuntu\nID_LIKE=debian\n")).toBe("npx playwright install chromium");
    expect(
      chromiumInstallCommand(() => {
        throw new Error("ENOENT");
      }),
    ).toBe("npx playwright install chromium");
  });
});
