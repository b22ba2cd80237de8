// Outages of the endpoints an app fetches around the token: discovery (OIDC Discovery 1.0 §4) of
// /common and of a tenant, and the key set (jwks_uri). Unlike a token misbehaviour (the next
// response only), a fault lasts until cleared (`misbehave` with kind "none", or reset), as an
// outage does: the app must fail in a controlled way while it lasts and recover when it ends.
import { pause } from "../http";
import type { Emulator } from "./state";

export const endpointFaults = [
  "discovery-common-slow",
  "discovery-common-500",
  "discovery-common-html",
  "discovery-tenant-slow",
  "discovery-tenant-500",
  "discovery-tenant-html",
  "jwks-slow",
  "jwks-500",
  "jwks-html",
] as const;
export type EndpointFault = (typeof endpointFaults)[number];

/** Which documents a fault breaks: /common's discovery, a tenant's discovery, the key set. */
export type FaultTarget = "discovery-common" | "discovery-tenant" | "jwks";

export type ActiveFault = {
  kind: EndpointFault;
  /** How long a slow answer waits before it is given (soundly). */
  delayMs: number;
  /** Requests to the target still served soundly before the fault starts (e.g. 1: the second breaks). */
  skip: number;
};

export function isEndpointFault(kind: string): kind is EndpointFault {
  return (endpointFaults as readonly string[]).includes(kind);
}

/**
 * The broken answer for a request to `target` while a fault of it is active, else undefined:
 * serve the request soundly (after the wait, for a slow fault).
 */
export async function faultyAnswer(
  emulator: Emulator,
  target: FaultTarget,
  signal: AbortSignal,
): Promise<Response | undefined> {
  const fault = emulator.fault;
  if (!fault || !fault.kind.startsWith(`${target}-`)) return undefined;
  if (fault.skip > 0) {
    fault.skip--;
    return undefined;
  }
  emulator.stats.faultyResponses++;
  switch (fault.kind.slice(target.length + 1)) {
    case "slow":
      await pause(fault.delayMs, signal);
      // A client that gave up reads nothing: not served (nor counted as served) soundly.
      return signal.aborted ? new Response(null, { status: 408 }) : undefined;
    case "500":
      return Response.json(
        { error: "temporarily_unavailable", error_description: "AADSTS90033: A transient error has occurred." },
        { status: 500 },
      );
    default:
      // A proxy's or a captive portal's page where JSON was expected.
      return new Response("<html><body><h1>Service unavailable</h1></body></html>", {
        status: 200,
        headers: { "content-type": "text/html" },
      });
  }
}
