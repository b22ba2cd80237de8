// POST /api/marketplace/webhook, as HTTP: authenticate first (./webhook-auth.ts), read a bounded
// body, hand the operation to ./webhook.ts, answer so that Microsoft retries only what may succeed
// later. 200 for every outcome that is final, including "ignored" ones (the body says which), so
// Microsoft does not retry an operation its own API does not confirm for eight hours; 401 for any
// authentication failure (nothing read into the database); 503 with Retry-After while another
// delivery handles the same operation, the operation is unfinished, or the marketplace API or the
// database is unavailable. Log lines carry the operation and subscription ids, never the token.
import { config } from "../config";
import { db } from "../db/client";
import { safeLogValue } from "../log";
import { fulfillmentClient } from "./client";
import { handleNotification, notificationSchema, type WebhookOutcome } from "./webhook";
import { verifyWebhookToken, webhookTrust, WebhookUnauthorized } from "./webhook-auth";

/** Microsoft's notifications are a few kilobytes; anything far larger is not one. */
const MAX_BODY_BYTES = 64 * 1024;

const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { "Cache-Control": "no-store", ...headers } });

async function readBody(request: Request): Promise<string | null> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return null;
  const text = await request.text();
  return Buffer.byteLength(text) > MAX_BODY_BYTES ? null : text;
}

function statusOf(outcome: WebhookOutcome): number {
  return outcome.kind === "retry-later" ? 503 : 200;
}

export async function receiveWebhook(request: Request): Promise<Response> {
  const settings = config().marketplace;
  if (!settings) return json({ error: "The marketplace is not configured on this server." }, 404);

  try {
    await verifyWebhookToken(request.headers.get("authorization"), await webhookTrust(settings));
  } catch (error) {
    if (error instanceof WebhookUnauthorized && error.reason !== "keys-unavailable") {
      console.warn(`[marketplace webhook] refused: ${error.reason}`);
      return json({ error: "unauthorized" }, 401, { "WWW-Authenticate": "Bearer" });
    }
    // The publisher tenant's keys could not be read: not the caller's fault; Microsoft retries.
    console.error(`[marketplace webhook] could not check the caller: ${(error as Error).message}`);
    return json({ error: "unavailable" }, 503, { "Retry-After": "30" });
  }

  const text = await readBody(request);
  let body: unknown;
  try {
    body = text === null ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = notificationSchema.safeParse(body);
  if (!parsed.success) {
    console.warn("[marketplace webhook] a body that is not a marketplace notification was refused");
    return json({ error: "The body is not a marketplace notification." }, 400);
  }
  const notification = parsed.data;
  const what = `${safeLogValue(notification.action, 40)} operation ${notification.id} of subscription ${notification.subscriptionId}`;

  try {
    const outcome = await handleNotification(await db(), fulfillmentClient()!, notification, {
      retentionDays: config().marketplaceDataRetentionDays,
    });
    const reason = "reason" in outcome ? `: ${outcome.reason}` : "";
    console.info(`[marketplace webhook] ${what}: ${outcome.kind}${reason}`);
    const status = statusOf(outcome);
    return json(
      { outcome: outcome.kind, ...(reason ? { reason: reason.slice(2) } : {}) },
      status,
      status === 503 ? { "Retry-After": "10" } : {},
    );
  } catch (error) {
    console.error(`[marketplace webhook] ${what} failed, Microsoft will retry: ${(error as Error).message}`);
    return json({ error: "unavailable" }, 503, { "Retry-After": "30" });
  }
}
