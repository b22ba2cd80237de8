// One person's sign-in, as a browser makes it but with a plain HTTP client: a cookie jar, and
// redirects followed by hand (the bench's sign-in load, and the browser tests' attacks on the
// sign-in, where what matters is what the server does with the identity provider's answers). From AppSource's "Free trial" link (/trial, whose zero-second
// refresh leads to /trial/start) through Auth.js to the emulator's authorize endpoint; its account
// picker and, at a first sign-in, its consent page, answered by posting their forms (the fields of
// emulator/pages.ts: tid and oid, then decision=accept); back to the app's callback, and on to the
// workspace, /dashboard, which must answer 200 and show the person's organization.

/** A person of the emulator's directory: their tenant (with its name, as Graph tells it) and oid. */
export type DirectoryAccount = { tenantId: string; oid: string; tenantName: string };

export class SignInError extends Error {}

/**
 * A browser's cookies, kept by host name as browsers do (RFC 6265 §8.5: cookies do not isolate
 * ports). Paths and expiry dates are not modelled: every cookie of this flow has Path=/, and a
 * cookie is dropped when the server expires it (Max-Age=0 or an Expires in the past).
 */
export class CookieJar {
  private readonly hosts = new Map<string, Map<string, string>>();

  header(url: URL): string | undefined {
    const cookies = this.hosts.get(url.hostname);
    if (!cookies?.size) return undefined;
    return [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  get(url: URL, name: string): string | undefined {
    return this.hosts.get(url.hostname)?.get(name);
  }

  store(url: URL, response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const at = pair.indexOf("=");
      if (at < 1) continue;
      const name = pair.slice(0, at).trim();
      const cookies = this.hosts.get(url.hostname) ?? new Map<string, string>();
      this.hosts.set(url.hostname, cookies);
      const expired = attributes.some((attribute) => {
        const [key = "", value = ""] = attribute.split("=").map((part) => part.trim());
        if (key.toLowerCase() === "max-age") return Number(value) <= 0;
        if (key.toLowerCase() === "expires")
          return Date.parse(attribute.slice(attribute.indexOf("=") + 1)) < Date.now();
        return false;
      });
      if (expired) cookies.delete(name);
      else cookies.set(name, pair.slice(at + 1).trim());
    }
  }

  /** A new private window: nothing signed in anywhere. */
  clear(): void {
    this.hosts.clear();
  }
}

export type Page = { url: URL; status: number; text: string };

/**
 * One request, then its redirects (GET, as browsers do after a POST answered 302/303), to a page;
 * with `anyStatus`, whatever the last answer was, else only a 200.
 */
async function navigate(jar: CookieJar, target: URL, form?: Record<string, string>, anyStatus = false): Promise<Page> {
  let url = target;
  let init: RequestInit = form
    ? {
        method: "POST",
        body: new URLSearchParams(form),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }
    : { method: "GET" };
  for (let hops = 0; hops < 10; hops++) {
    const cookie = jar.header(url);
    const response = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    jar.store(url, response);
    const text = await response.text();
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url);
      init = { method: "GET" };
      continue;
    }
    if (response.status !== 200 && !anyStatus) {
      throw new SignInError(`${init.method} ${url.pathname} answered ${response.status}: ${text.slice(0, 200)}`);
    }
    return { url, status: response.status, text };
  }
  throw new SignInError(`more than 10 redirects from ${target.pathname}`);
}

const unescapeHtml = (value: string) =>
  value
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");

/** The action of the page's form that posts to the emulator's interaction `step`. */
function formAction(page: Page, step: "account" | "consent"): URL {
  const action = page.text.match(new RegExp(`action="(/_interaction/[\\w-]+/${step})"`))?.[1];
  if (!action) throw new SignInError(`no ${step} form at ${page.url.pathname}: ${page.text.slice(0, 200)}`);
  return new URL(action, page.url);
}

/**
 * `account`'s sign-in from the trial link, in `jar` (cleared first: a private window), as far as it
 * goes: the account picker, the consent page when the emulator asks (accepted), and then wherever
 * the app sends the browser, whatever it answers there. `consented` says whether consent was asked.
 */
export async function attemptSignIn(
  appUrl: string,
  account: Pick<DirectoryAccount, "tenantId" | "oid">,
  jar: CookieJar,
): Promise<Page & { consented: boolean }> {
  jar.clear();
  const landing = await navigate(jar, new URL("/trial", appUrl));
  const refresh = landing.text.match(/http-equiv="refresh" content="\d+;\s*url=([^"]+)"/i)?.[1];
  if (!refresh) throw new SignInError("the trial page has no refresh to the sign-in");
  const picker = await navigate(jar, new URL(unescapeHtml(refresh), landing.url));
  if (!picker.text.includes(`value="${account.oid}"`)) {
    throw new SignInError(`the account picker at ${picker.url.pathname} does not offer ${account.oid}`);
  }
  const next = await navigate(jar, formAction(picker, "account"), { tid: account.tenantId, oid: account.oid }, true);
  const consented = next.status === 200 && next.text.includes("<h1>Permissions requested</h1>");
  if (!consented) return { ...next, consented };
  return { ...(await navigate(jar, formAction(next, "consent"), { decision: "accept" }, true)), consented };
}

/**
 * Signs `account` in from the trial link to the dashboard, in `jar` (cleared first: a private
 * window). `visit` says what the emulator must ask: a first sign-in consents, a returning one
 * does not. Throws SignInError when any step answers otherwise.
 */
export async function signIn(
  appUrl: string,
  account: DirectoryAccount,
  visit: "first" | "returning",
  jar: CookieJar,
): Promise<void> {
  const next = await attemptSignIn(appUrl, account, jar);
  if (next.consented !== (visit === "first")) {
    throw new SignInError(`a ${visit} sign-in ${next.consented ? "was" : "was not"} asked for consent`);
  }
  if (next.status !== 200) {
    throw new SignInError(`${next.url.pathname} answered ${next.status}: ${next.text.slice(0, 200)}`);
  }
  if (next.url.origin !== new URL(appUrl).origin || next.url.pathname !== "/dashboard") {
    throw new SignInError(`the sign-in ended at ${next.url.href}, not the dashboard`);
  }
  if (!next.text.includes(account.tenantId) || !next.text.includes(account.tenantName)) {
    throw new SignInError(`the dashboard does not show the workspace of ${account.tenantName}`);
  }
}
