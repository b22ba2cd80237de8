// A deadline for a call to another service (Microsoft Entra ID, Graph): the request and the
// reading of its answer together get `ms`, and the timer is cleared the moment the call ends.
//
// Why not AbortSignal.timeout(): its timer is made inside the request being served and so carries
// that request's async context; Node.js 20 keeps the timer (and with it the request, its response
// and its cookies) until the signal is collected, long after the call ended. Ours is cleared at
// once. The answer is read here, within the deadline, so a body that never ends cannot outlive it.

/** How a call that ran out of time fails: the name AbortSignal.timeout() gives, so callers tell it apart. */
export class DeadlineExceeded extends Error {
  override readonly name = "TimeoutError";
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/** Statuses whose answer has no body (a Response cannot be made with one). */
const NO_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * `fetch`, given at most `ms` for the request and its whole answer. The answer returned is read
 * already (a body of its own, in memory): the callers here read small JSON documents. Fails with
 * DeadlineExceeded when time runs out; a signal in `init` still aborts it too.
 */
export async function fetchWithDeadline(
  input: RequestInfo | URL,
  init: RequestInit | undefined,
  ms: number,
  fetchImpl: typeof fetch = fetch,
): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeadlineExceeded(ms)), ms);
  const outer = init?.signal;
  const follow = () => controller.abort(outer?.reason);
  if (outer?.aborted) follow();
  outer?.addEventListener("abort", follow, { once: true });
  try {
    const response = await fetchImpl(input, { ...init, signal: controller.signal });
    const body = NO_BODY.has(response.status) ? null : await response.arrayBuffer();
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  } catch (error) {
    // fetch rejects with the abort's reason, or wraps it: say which deadline it was.
    if (controller.signal.reason instanceof DeadlineExceeded) throw controller.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener("abort", follow);
  }
}

/** `fetchWithDeadline` as a fetch function, for libraries that take one (Auth.js, jose). */
export function fetchWithin(ms: number, fetchImpl: typeof fetch = fetch): typeof fetch {
  return ((input: RequestInfo | URL, init?: RequestInit) =>
    fetchWithDeadline(input, init, ms, fetchImpl)) as typeof fetch;
}
