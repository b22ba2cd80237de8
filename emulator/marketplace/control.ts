// The local marketplace's control API, for tests and the dev launcher (back channel, JSON,
// /_emulator/marketplace/..., header x-emulator-control: 1): register the technical
// configuration, buy without the page, issue and expire purchase tokens, set a subscription's
// status, change or renew it as the customer and Microsoft do, inject faults, read the call log and
// the subscriptions, read and send the webhook's notifications, change the settings. POST
// /_emulator/reset (the Entra face's) empties the marketplace too; see server.ts.
import { z } from "zod";
import { isControlRequest, readJson, type Handler } from "../http";
import { cancelByCustomer, changeByCustomer, ChangeRefused, renewByMicrosoft } from "./customer";
import { operationJson, subscriptionJson } from "./shapes";
import { PurchaseRefused, SUBSCRIPTION_STATUSES, type Marketplace, type TechnicalConfiguration } from "./state";
import { FORGERIES, TOKEN_VERSIONS, type Webhooks } from "./webhook";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const guid = z
  .string()
  .regex(GUID, "expected a GUID")
  .transform((value) => value.toLowerCase());
/** Partner Center's rule for the landing page and webhook: https (http on localhost), no fragment. */
const endpointUrl = z
  .url({ protocol: /^https?$/, error: "expected an http(s) URL" })
  .refine((value) => !value.includes("#"), "must not contain #");

const technicalConfiguration = z.object({
  publisherId: z.string().min(1).optional(),
  publisherTenantId: guid,
  fulfillmentClientId: guid,
  landingPageUrl: endpointUrl,
  webhookUrl: endpointUrl.optional(),
});

const purchase = z.object({
  tenantId: guid,
  oid: z.string().min(1),
  beneficiaryTenantId: guid.optional(),
  beneficiaryOid: z.string().min(1).optional(),
  offerId: z.string().min(1),
  planId: z.string().min(1),
  quantity: z.number().int().positive().optional(),
  name: z.string().optional(),
});

const fault = z
  .object({
    /** A regular expression tested against "<METHOD> <path>", e.g. "POST /saas/subscriptions/resolve" or "activate$". */
    path: z.string().min(1),
    method: z.enum(["GET", "POST", "PATCH", "DELETE"]).optional(),
    status: z.number().int().min(400).max(599).optional(),
    times: z.number().int().positive().default(1),
    delayMs: z.number().int().min(0).max(120_000).default(0),
    retryAfterSeconds: z.number().int().min(0).default(1),
  })
  .refine((value) => value.status !== undefined || value.delayMs > 0, "give a status, a delayMs, or both");

const settings = z.object({
  pageSize: z.number().int().positive().optional(),
  tokenLifetimeMs: z.number().int().positive().optional(),
  operationDelayMs: z.number().int().min(0).optional(),
  webhookDelivery: z.enum(["auto", "manual"]).optional(),
  webhookRetryDelaysMs: z
    .array(
      z
        .number()
        .int()
        .min(0)
        .max(8 * 60 * 60 * 1000),
    )
    .max(500)
    .optional(),
  webhookAcceptMs: z.number().int().min(0).optional(),
});

const delivery = z.object({
  operationId: guid,
  forge: z.enum(FORGERIES).optional(),
  version: z.enum(TOKEN_VERSIONS).default("v2"),
});

const bad = (error: string) => Response.json({ error }, { status: 400 });
const notFound = (error: string) => Response.json({ error }, { status: 404 });

function parsed<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> | Response {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  return bad(result.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; "));
}

export function marketplaceControlHandler(marketplace: Marketplace, webhooks: Webhooks): Handler {
  return async (request, url) => {
    if (!isControlRequest(request)) return Response.json({ error: "x-emulator-control: 1 required" }, { status: 403 });
    const method = request.method ?? "GET";
    const body = method === "POST" ? await readJson(request) : {};
    marketplace.settle();
    return control(marketplace, webhooks, `${method} ${url.pathname.slice("/_emulator/marketplace".length)}`, body);
  };
}

async function control(
  marketplace: Marketplace,
  webhooks: Webhooks,
  route: string,
  body: Record<string, unknown>,
): Promise<Response> {
  let match: RegExpMatchArray | null;
  switch (route) {
    case "POST /technical-configuration": {
      const input = parsed(technicalConfiguration, body);
      if (input instanceof Response) return input;
      if (!marketplace.entra.directory.tenants.has(input.publisherTenantId))
        return bad("publisherTenantId: no such tenant in the directory");
      const configuration: TechnicalConfiguration = {
        ...input,
        publisherId: input.publisherId ?? marketplace.catalog.defaultPublisherId,
      };
      marketplace.technicalConfigurations.set(configuration.publisherId, configuration);
      return Response.json(configuration);
    }
    case "GET /technical-configuration":
      return Response.json({ technicalConfigurations: [...marketplace.technicalConfigurations.values()] });
    case "GET /offers":
      return Response.json(marketplace.catalog);
    case "POST /purchases":
      return buy(marketplace, body);
    case "POST /tokens": {
      const subscription = marketplace.subscriptions.get(String(body.subscriptionId ?? "").toLowerCase());
      if (!subscription) return notFound("no such subscriptionId");
      const { token, expiresAt } = marketplace.issueToken(subscription.id);
      return Response.json({ token, expiresAt, landingUrl: marketplace.landingUrl(subscription, token) ?? null });
    }
    case "POST /tokens/expire":
      return marketplace.expireToken(String(body.token ?? ""))
        ? Response.json({ expired: true })
        : notFound("no such token");
    case "GET /subscriptions":
      return Response.json({
        subscriptions: [...marketplace.subscriptions.values()].map(subscriptionJson),
        operations: [...marketplace.operations.values()].map((operation) => operationJson(marketplace, operation)),
      });
    case "POST /faults": {
      const input = parsed(fault, body);
      if (input instanceof Response) return input;
      let pattern: RegExp;
      try {
        pattern = new RegExp(input.path);
      } catch {
        return bad("path: not a regular expression");
      }
      marketplace.faults.push({ ...input, pattern });
      return Response.json({ ok: true, pending: marketplace.faults.length });
    }
    case "POST /faults/clear":
      marketplace.faults = [];
      return Response.json({ ok: true });
    case "GET /calls":
      return Response.json({ calls: marketplace.calls });
    case "POST /settings": {
      const input = parsed(settings, body);
      if (input instanceof Response) return input;
      Object.assign(marketplace.settings, Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)));
      webhooks.settingsChanged();
      return Response.json(marketplace.settings);
    }
    case "GET /webhooks":
      return Response.json(webhooks.log());
    case "POST /webhooks/deliver": {
      const input = parsed(delivery, body);
      if (input instanceof Response) return input;
      const operation = marketplace.operations.get(input.operationId);
      if (!operation) return notFound("no such operationId");
      const publisherId = marketplace.subscriptions.get(operation.subscriptionId)?.publisherId ?? "";
      if (!marketplace.technicalConfigurations.get(publisherId)?.webhookUrl)
        return Response.json({ error: "the publisher's technical configuration has no webhookUrl" }, { status: 409 });
      return Response.json(await webhooks.deliver(operation, input));
    }
    case "POST /webhooks/flush":
      return Response.json({ deliveries: await webhooks.flush() });
  }
  if ((match = route.match(/^POST \/subscriptions\/([^/]+)\/status$/))) {
    const subscription = marketplace.subscriptions.get(match[1]!.toLowerCase());
    if (!subscription) return notFound("no such subscription");
    const status = SUBSCRIPTION_STATUSES.find((candidate) => candidate === body.status);
    if (!status) return bad(`status: one of ${SUBSCRIPTION_STATUSES.join(", ")}`);
    const operation = marketplace.setStatus(subscription, status);
    return Response.json({ subscription: subscriptionJson(subscription), operationId: operation?.id ?? null });
  }
  if ((match = route.match(/^POST \/subscriptions\/([^/]+)\/(change|cancel|renew)$/))) {
    const subscription = marketplace.subscriptions.get(match[1]!.toLowerCase());
    if (!subscription) return notFound("no such subscription");
    try {
      const operation =
        match[2] === "change"
          ? changeByCustomer(marketplace, subscription, body)
          : match[2] === "cancel"
            ? cancelByCustomer(marketplace, subscription)
            : renewByMicrosoft(marketplace, subscription);
      return Response.json({ operationId: operation.id, subscription: subscriptionJson(subscription) });
    } catch (error) {
      if (error instanceof ChangeRefused) return Response.json({ error: error.message }, { status: error.status });
      throw error;
    }
  }
  return notFound("unknown marketplace control route");
}

/** A purchase without the page: { subscriptionId, token, landingUrl }. */
function buy(marketplace: Marketplace, body: Record<string, unknown>): Response {
  const input = parsed(purchase, body);
  if (input instanceof Response) return input;
  const purchaser = marketplace.entra.account(input.tenantId, input.oid);
  if (!purchaser) return bad("tenantId, oid: no such account");
  let beneficiary = purchaser;
  if (input.beneficiaryTenantId || input.beneficiaryOid) {
    const tenantId = input.beneficiaryTenantId ?? input.tenantId;
    const found = input.beneficiaryOid
      ? marketplace.entra.account(tenantId, input.beneficiaryOid)
      : marketplace.representative(tenantId);
    if (!found) return bad("beneficiaryTenantId, beneficiaryOid: no such account");
    beneficiary = found;
  }
  try {
    const subscription = marketplace.purchase({ ...input, purchaser, beneficiary });
    const { token } = marketplace.issueToken(subscription.id);
    return Response.json({
      subscriptionId: subscription.id,
      token,
      landingUrl: marketplace.landingUrl(subscription, token) ?? null,
      subscription: subscriptionJson(subscription),
    });
  } catch (error) {
    if (error instanceof PurchaseRefused) return bad(error.message);
    throw error;
  }
}
