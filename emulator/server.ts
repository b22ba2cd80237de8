// A local Microsoft Entra ID (v2.0 endpoints) for development and tests.
//
// Two listeners, because browsers and servers need different things:
// - the front channel (plain HTTP on localhost): the pages a browser opens (authorize, account
//   picker, consent, admin consent, sign-out). A person signs in with no certificate warning.
// - the back channel (HTTPS, certificate from a local CA): discovery, keys, token, Microsoft
//   Graph and the control API. oauth4webapi and MSAL refuse plain-HTTP authorities; the app's
//   server trusts the CA through NODE_EXTRA_CA_CERTS. The issuer lives here.
// Entra serves both from login.microsoftonline.com; discovery ties the two together, so code that
// follows the discovery document (Auth.js, MSAL) works unchanged.
//
// This module only wires them: the endpoints are in entra/ (one module per endpoint group, over
// the state in entra/state.ts), the HTTP plumbing any face can mount on is in http.ts.
import http from "node:http";
import https from "node:https";
import { loadOrCreateTlsFiles } from "./certs";
import type { App } from "./consent";
import { backHandler, entraListener, frontHandler } from "./entra/routes";
import { Emulator } from "./entra/state";
import { close, listen, listener } from "./http";
import { SigningKeys } from "./keys";

export type EmulatorOptions = {
  /** Folder for the local CA and certificate (kept between runs). */
  tlsDir: string;
  /** Ports; 0 picks free ones. */
  frontPort?: number;
  backPort?: number;
  /** How long a rotated key stays published. */
  keyGraceMs?: number;
  /** How long an authorization code can be redeemed (Entra: about 10 minutes). */
  codeLifetimeMs?: number;
};

export type RunningEmulator = {
  /** Browser-facing base URL, e.g. http://localhost:4010 */
  frontUrl: string;
  /** Back-channel base URL and issuer host, e.g. https://127.0.0.1:4011 */
  backUrl: string;
  caPath: string;
  ca: string;
  registerApp(app: App): void;
  stop(): Promise<void>;
};

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const tls = await loadOrCreateTlsFiles(options.tlsDir);
  const keys = await SigningKeys.create();
  const front = http.createServer();
  const back = https.createServer({ cert: tls.cert, key: tls.key });
  const frontPort = await listen(front, options.frontPort ?? 0);
  let backPort: number;
  try {
    backPort = await listen(back, options.backPort ?? 0);
  } catch (error) {
    front.close();
    throw error;
  }
  const emulator = new Emulator(
    keys,
    `http://localhost:${frontPort}`,
    `https://127.0.0.1:${backPort}`,
    options.keyGraceMs ?? 10 * 60 * 1000,
    options.codeLifetimeMs ?? 10 * 60 * 1000,
  );
  front.on("request", listener(frontHandler(emulator), entraListener));
  back.on("request", listener(backHandler(emulator), entraListener));
  return {
    frontUrl: emulator.frontUrl,
    backUrl: emulator.backUrl,
    caPath: tls.caPath,
    ca: tls.ca,
    registerApp: (app) => emulator.apps.set(app.clientId, app),
    stop: async () => {
      await Promise.all([close(front), close(back)]);
    },
  };
}
