// Drives the local Entra ID emulator the way a browser and an app would, for tests.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../emulator/server";

export const testApp = {
  clientId: "3f0c5a9e-6b1d-4e2f-9a8c-7d6e5f4a3b21",
  displayName: "AppSource SaaS Starter (tests)",
  secret: randomBytes(24).toString("base64url"),
  redirectUris: ["http://localhost:3000/api/auth/callback/microsoft-entra-id", "http://localhost:3000/signup/callback"],
  delegatedPermissions: ["openid", "profile", "email", "offline_access", "User.Read"],
  applicationPermissions: ["Organization.Read.All"],
};
export const redirectUri = testApp.redirectUris[0]!;
export const adminConsentRedirectUri = testApp.redirectUris[1]!;

export async function startTestEmulator(options: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  // The CA in this folder is the one test/global-setup.ts makes the workers trust.
  const emulator = await startEmulator({ tlsDir: ".data/test-emulator-tls", ...options });
  emulator.registerApp(testApp);
  return emulator;
}

/**
 * An emulator for the tests of a file: started before them, back to its seed before each,
 * stopped after. `use` receives it (assign it to the file's variable).
 */
export function withTestEmulator(use: (emulator: RunningEmulator) => void): void {
  let emulator: RunningEmulator | undefined;
  beforeAll(async () => {
    emulator = await startTestEmulator();
    use(emulator);
  });
  afterAll(async () => {
    await emulator?.stop();
  });
  beforeEach(async () => {
    await control(emulator!, "reset", {});
  });
}

export function control(emulator: RunningEmulator, path: string, body?: unknown): Promise<Response> {
  return fetch(`${emulator.backUrl}/_emulator/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "x-emulator-control": "1", "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** A browser: follows nothing by itself, keeps the emulator's cookie. */
export class Browser {
  cookie = "";
  constructor(private readonly emulator: RunningEmulator) {}

  async get(url: string): Promise<Response> {
    const response = await fetch(url, { redirect: "manual", headers: this.cookie ? { cookie: this.cookie } : {} });
    this.keepCookie(response);
    return response;
  }

  async post(path: string, form: Record<string, string>): Promise<Response> {
    const response = await fetch(new URL(path, this.emulator.frontUrl), {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", ...(this.cookie ? { cookie: this.cookie } : {}) },
      body: new URLSearchParams(form),
    });
    this.keepCookie(response);
    return response;
  }

  private keepCookie(response: Response) {
    const set = response.headers.get("set-cookie");
    if (set) this.cookie = set.split(";")[0]!.endsWith("=") ? "" : set.split(";")[0]!;
  }
}

export type AuthorizeParams = Record<string, string | undefined>;

export function authorizeUrl(emulator: RunningEmulator, authority: string, params: AuthorizeParams): string {
  const url = new URL(`${emulator.frontUrl}/${authority}/oauth2/v2.0/authorize`);
  const defaults = {
    client_id: testApp.clientId,
    response_type: "code",
    redirect_uri: redirectUri,
    scope: "openid profile email offline_access User.Read",
    state: randomUUID(),
    nonce: randomUUID(),
    code_challenge_method: "S256",
  };
  for (const [name, value] of Object.entries({ ...defaults, ...params })) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return url.toString();
}

/** The interaction id in a picker or consent page's form action. */
export function interactionOf(html: string): string {
  const id = html.match(/\/_interaction\/([\w-]+)\//)?.[1];
  if (!id) throw new Error(`no interaction form in:\n${html.slice(0, 2000)}`);
  return id;
}

/** The accounts a picker page offers, as their usernames. */
export function offeredUsernames(html: string): string[] {
  return [...html.matchAll(/<small>([^<]+?) · /g)].map((match) =>
    match[1]!.replace(/&#39;/g, "'").replace(/&amp;/g, "&"),
  );
}

export type DirectoryAccount = { tenantId: string; oid: string; username: string; name: string; wids: string[] };

export async function account(emulator: RunningEmulator, username: string): Promise<DirectoryAccount> {
  const directory = (await (await control(emulator, "directory")).json()) as { accounts: DirectoryAccount[] };
  const found = directory.accounts.find((candidate) => candidate.username === username);
  if (!found) throw new Error(`no account ${username}`);
  return found;
}

/** Location of a redirect, as a URL. */
export function redirected(response: Response): URL {
  const location = response.headers.get("location");
  if (response.status !== 302 || !location) throw new Error(`expected a redirect, got ${response.status}`);
  return new URL(location);
}

/**
 * Signs `username` in: authorize, pick the account, then accept consent if asked (`consent`:
 * "accept", "accept-for-organization", or "none" when no consent page is expected).
 */
export async function signIn(
  emulator: RunningEmulator,
  options: {
    username: string;
    authority?: string;
    params?: AuthorizeParams;
    consent?: "accept" | "accept-for-organization" | "none";
    browser?: Browser;
  },
): Promise<{ callback: URL; verifier: string; nonce: string; state: string; browser: Browser }> {
  const browser = options.browser ?? new Browser(emulator);
  const { verifier, challenge } = pkce();
  const nonce = randomUUID();
  const state = randomUUID();
  const picker = await browser.get(
    authorizeUrl(emulator, options.authority ?? "common", {
      nonce,
      state,
      code_challenge: challenge,
      ...options.params,
    }),
  );
  let response = picker;
  if (picker.status === 200) {
    const who = await account(emulator, options.username);
    response = await browser.post(`/_interaction/${interactionOf(await picker.text())}/account`, {
      tid: who.tenantId,
      oid: who.oid,
    });
  }
  if (response.status === 200 && options.consent !== "none") {
    const html = await response.text();
    response = await browser.post(`/_interaction/${interactionOf(html)}/consent`, {
      decision: "accept",
      ...(options.consent === "accept-for-organization" ? { organization: "on" } : {}),
    });
  }
  return { callback: redirected(response), verifier, nonce, state, browser };
}

export async function redeem(
  emulator: RunningEmulator,
  form: Record<string, string>,
  authority = "common",
  auth: "basic" | "post" = "post",
): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  const body = new URLSearchParams(form);
  if (auth === "basic") {
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(testApp.clientId)}:${encodeURIComponent(form.client_secret ?? testApp.secret)}`).toString("base64")}`;
    body.delete("client_secret");
    body.delete("client_id");
  } else {
    if (!body.has("client_id")) body.set("client_id", testApp.clientId);
    if (!body.has("client_secret")) body.set("client_secret", testApp.secret);
  }
  return fetch(`${emulator.backUrl}/${authority}/oauth2/v2.0/token`, { method: "POST", headers, body });
}

export async function exchange(emulator: RunningEmulator, signedIn: { callback: URL; verifier: string }) {
  return redeem(emulator, {
    grant_type: "authorization_code",
    code: signedIn.callback.searchParams.get("code") ?? "",
    redirect_uri: redirectUri,
    code_verifier: signedIn.verifier,
  });
}
