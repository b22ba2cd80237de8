// The offer's "Connection webhook" (Partner Center technical configuration).
import { receiveWebhook } from "@/lib/marketplace/webhook-http";

export const dynamic = "force-dynamic";

export function POST(request: Request): Promise<Response> {
  return receiveWebhook(request);
}
