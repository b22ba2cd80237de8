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
// Two faces share the listeners: Microsoft Entra ID (entra/), and a local commercial marketplace
// (marketplace/: the purchase pages under /marketplace on the front channel, the SaaS Fulfillment
// API v2 under /marketplace/api and its control API under /_emulator/marketplace on the back).
// This module only wires them: the endpoints are in each face's folder (one module per endpoint
// group, over the face's state), the HTTP plumbing any face can mount on is in http.ts.
import http from "node:http";
import https from "node:https";
import { loadOrCreateTlsFiles } from "./certs";
import type { App } from "./consent";
import { backHandler, entraListener, frontHandler } from "./entra/routes";
import { Emulator } from "./entra/state";
import { close, isControlRequest, listen, listener, type Handler } from "./http";
import { SigningKeys } from "./keys";
import { fulfillmentHandler } from "./marketplace/api";
import { loadCatalog } from "./marketplace/catalog";
import { marketplaceControlHandler } from "./marketplace/control";
import { marketplaceFrontHandler } from "./marketplace/purchase";
import {
  DEFAULT_SETTINGS,
  Marketplace,
  MARKETPLACE_API_PATH,
  MARKETPLACE_PAGES_PATH,
  type MarketplaceSettings,
  type TechnicalConfiguration,
} from "./marketplace/state";
import { Webhooks } from "./marketplace/webhook";

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
  /** The local marketplace: its offers file (default emulator/marketplace/offers.json) and settings. */
  marketplace?: Partial<MarketplaceSettings> & { offersFile?: string };
};

export type RunningEmulator = {
  /** Browser-facing base URL, e.g. http://localhost:4010 */
  frontUrl: string;
  /** Back-channel base URL and issuer host, e.g. https://127.0.0.1:4011 */
  backUrl: string;
  caPath: string;
  ca: string;
  registerApp(app: App): void;
  /** Assigns an app role the app defines (by its value) to an account; throws when refused. */
  assignAppRole(clientId: string, assignment: { tenantId: string; oid: string; role: string }): void;
  /** The local marketplace's purchase page, e.g. http://localhost:4010/marketplace */
  marketplaceUrl: string;
  /** The SaaS Fulfillment API's base (MARKETPLACE_API_URL), e.g. https://127.0.0.1:4011/marketplace/api */
  marketplaceApiUrl: string;
  /** Partner Center's technical configuration of the publisher's offers (publisherId: yours by default). */
  registerTechnicalConfiguration(
    configuration: Omit<TechnicalConfiguration, "publisherId"> & { publisherId?: string },
  ): void;
  stop(): Promise<void>;
};

/** The handler of the first mount whose path prefix the request's path has, else `fallback`. */
function mount(mounts: [prefix: string, handler: Handler][], fallback: Handler): Handler {
  return (request, url, signal) => {
    const found = mounts.find(([prefix]) => url.pathname === prefix || url.pathname.startsWith(`${prefix}/`));
    return (found?.[1] ?? fallback)(request, url, signal);
  };
}

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  // First: a mistake in the offers file stops the start with its file and field named.
  const catalog = loadCatalog(options.marketplace?.offersFile);
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
  const settings = { ...DEFAULT_SETTINGS, ...options.marketplace };
  const marketplace = new Marketplace(emulator, catalog, {
    pageSize: settings.pageSize,
    tokenLifetimeMs: settings.tokenLifetimeMs,
    operationDelayMs: settings.operationDelayMs,
    webhookDelivery: settings.webhookDelivery,
    webhookRetryDelaysMs: settings.webhookRetryDelaysMs,
    webhookAcceptMs: settings.webhookAcceptMs,
  });
  // The marketplace's calls to the publisher's webhook: their timers end on reset and on stop.
  const webhooks = new Webhooks(marketplace);
  const entraBack = backHandler(emulator);
  // POST /_emulator/reset empties both faces.
  const resetBoth: Handler = (request, url, signal) => {
    if (request.method === "POST" && url.pathname === "/_emulator/reset" && isControlRequest(request)) {
      marketplace.reset();
      webhooks.reset();
    }
    return entraBack(request, url, signal);
  };
  front.on(
    "request",
    listener(
      mount([[MARKETPLACE_PAGES_PATH, marketplaceFrontHandler(marketplace)]], frontHandler(emulator)),
      entraListener,
    ),
  );
  back.on(
    "request",
    listener(
      mount(
        [
          [MARKETPLACE_API_PATH, fulfillmentHandler(marketplace)],
          ["/_emulator/marketplace", marketplaceControlHandler(marketplace, webhooks)],
        ],
        resetBoth,
      ),
      entraListener,
    ),
  );
  return {
    frontUrl: emulator.frontUrl,
    backUrl: emulator.backUrl,
    caPath: tls.caPath,
    ca: tls.ca,
    registerApp: (app) => emulator.register(app),
    assignAppRole: (clientId, { tenantId, oid, role }) => {
      const target = emulator.roleAssignment(clientId, tenantId, oid, role);
      if ("error" in target) throw new Error(`assigning the app role ${role} failed: ${target.error}`);
      emulator.roleAssignments.assign(clientId, target.account, target.appRole);
    },
    marketplaceUrl: `${emulator.frontUrl}${MARKETPLACE_PAGES_PATH}`,
    marketplaceApiUrl: marketplace.apiUrl,
    registerTechnicalConfiguration: (configuration) => {
      const publisherId = configuration.publisherId ?? catalog.defaultPublisherId;
      marketplace.technicalConfigurations.set(publisherId, { ...configuration, publisherId });
    },
    stop: async () => {
      webhooks.stop();
      await Promise.all([close(front), close(back)]);
    },
  };
}
