// A page whose gate meets the database down: the request is sent again to its own address, which
// proxy.ts now answers with the 503 "temporarily unavailable" page (lib/unavailable-page.ts).
// A page cannot set its own status, and the error page would answer 500 (issue "Many instances":
// "pages answer 503, no stack, no 500"). It cannot loop: "down" holds for PROBE_INTERVAL_MS,
// and the browser asks again within milliseconds.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { isOwnPath, RETRY_AFTER_SECONDS, unavailablePage, unavailableResponseInit } from "../unavailable-page";
import { isDatabaseUnavailable, markDatabaseDown, REQUEST_PATH_HEADER, setUnavailableHandler } from "./availability";

/** In a page request (the proxy set its path), sends the request to its own address again. */
async function againThroughTheProxy(): Promise<void> {
  let path: string | null | undefined;
  try {
    path = (await headers()).get(REQUEST_PATH_HEADER);
  } catch {
    return; // not in a request (a job, a script): the caller's error stands
  }
  // Only our own path (set by the proxy from its URL), never another site.
  if (path && isOwnPath(path)) redirect(path);
}

// Every Prisma query that meets the database unreachable, in any page or server action
// (lib/db/client.ts), answers the same way as the gate's own read.
setUnavailableHandler(againThroughTheProxy);

/** Runs a page's first database read (the gate's, on the pool); unreachable: the 503 page. */
export async function readOrUnavailable<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    markDatabaseDown();
    await againThroughTheProxy();
    throw error;
  }
}

/** The answer of an API route while the database is unreachable: 503, retry shortly. */
export function unavailableJson(): Response {
  return Response.json(
    { error: "unavailable" },
    { status: 503, headers: { "Cache-Control": "no-store", "Retry-After": String(RETRY_AFTER_SECONDS) } },
  );
}

/**
 * For route handlers: a database that cannot be reached is a 503 with Retry-After, never a 500:
 * JSON for API routes, the "temporarily unavailable" page for routes a browser visits (`page`).
 */
export async function answerUnavailable(handle: () => Promise<Response>, page?: { path: string }): Promise<Response> {
  try {
    return await handle();
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    markDatabaseDown();
    return page ? new Response(unavailablePage(page.path), unavailableResponseInit()) : unavailableJson();
  }
}
