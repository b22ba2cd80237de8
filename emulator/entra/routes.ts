// The Entra ID face's routes: which endpoint module answers which request, on each listener.
import { errorBody, EntraFailure } from "../errors";
import { HttpError, isControlRequest, readBody, type Handler, type ListenerOptions } from "../http";
import * as pages from "../pages";
import { adminConsent, authorize } from "./authorize";
import { control } from "./control";
import { discovery, discoveryV1, jwks } from "./discovery";
import { faultyAnswer } from "./faults";
import { graph, userinfo } from "./graph";
import { chooseAccount, decide } from "./interaction";
import { logout, sessionAccount, sessionCookie } from "./session";
import type { Emulator } from "./state";
import { token } from "./token";

/** Both listeners: an Entra error that reaches them is shown as Entra's error page. */
export const entraListener: ListenerOptions = {
  name: "entra-emulator",
  renderError: (error) =>
    error instanceof EntraFailure
      ? new Response(pages.errorPage(error.failure.code, error.failure.description), {
          status: error.failure.status,
          headers: { "content-type": "text/html; charset=utf-8" },
        })
      : undefined,
};

/** The pages a browser opens: authorize, account picker, consent, admin consent, sign-out. */
export function frontHandler(emulator: Emulator): Handler {
  return async (request, url) => {
    const method = request.method ?? "GET";
    let match: RegExpMatchArray | null;
    if (method === "GET" && (match = url.pathname.match(/^\/([^/]+)\/oauth2\/v2\.0\/authorize$/))) {
      return authorize(emulator, match[1]!, url.searchParams, sessionAccount(emulator, request.headers.cookie));
    }
    if (method === "POST" && (match = url.pathname.match(/^\/_interaction\/([\w-]+)\/account$/))) {
      const form = new URLSearchParams(await readBody(request));
      const { result, account } = chooseAccount(emulator, match[1]!, form);
      const response =
        typeof result === "string"
          ? new Response(result, { headers: { "content-type": "text/html; charset=utf-8" } })
          : result;
      const headers = new Headers(response.headers);
      headers.append("set-cookie", sessionCookie(account));
      return new Response(response.body, { status: response.status, headers });
    }
    if (method === "POST" && (match = url.pathname.match(/^\/_interaction\/([\w-]+)\/consent$/))) {
      return decide(emulator, match[1]!, new URLSearchParams(await readBody(request)));
    }
    if (method === "GET" && (match = url.pathname.match(/^\/([^/]+)\/v2\.0\/adminconsent$/))) {
      return adminConsent(emulator, match[1]!, url.searchParams);
    }
    if (method === "GET" && url.pathname.match(/^\/([^/]+)\/oauth2\/v2\.0\/logout$/)) {
      return logout(emulator, url.searchParams);
    }
    if (url.pathname === "/favicon.ico") return new Response(null, { status: 204 });
    if (method === "GET" && url.pathname === "/") return pages.directoryPage(emulator.directory.accounts);
    throw new HttpError(404, pages.errorPage(90100, "This address is not an endpoint of the emulator."));
  };
}

/** What servers call: discovery, keys, token, Microsoft Graph, userinfo and the control API. */
export function backHandler(emulator: Emulator): Handler {
  return async (request, url, signal) => {
    const method = request.method ?? "GET";
    const authorization = request.headers.authorization ?? null;
    let match: RegExpMatchArray | null;
    try {
      if (method === "GET" && (match = url.pathname.match(/^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/))) {
        const target = match[1]!.toLowerCase() === "common" ? "discovery-common" : "discovery-tenant";
        return (await faultyAnswer(emulator, target, signal)) ?? Response.json(discovery(emulator, match[1]!));
      }
      if (method === "GET" && (match = url.pathname.match(/^\/([^/]+)\/\.well-known\/openid-configuration$/))) {
        return Response.json(discoveryV1(emulator, match[1]!));
      }
      if (method === "GET" && url.pathname.match(/^\/([^/]+)\/discovery(?:\/v2\.0)?\/keys$/)) {
        return (await faultyAnswer(emulator, "jwks", signal)) ?? Response.json(jwks(emulator));
      }
      if (method === "POST" && (match = url.pathname.match(/^\/([^/]+)\/oauth2\/v2\.0\/token$/))) {
        return token(emulator, match[1]!, new URLSearchParams(await readBody(request)), authorization, signal);
      }
    } catch (error) {
      if (error instanceof EntraFailure)
        return Response.json(errorBody(error.failure), { status: error.failure.status });
      throw error;
    }
    if (method === "GET" && url.pathname === "/oidc/userinfo") return userinfo(emulator, authorization);
    if (method === "GET" && url.pathname.startsWith("/v1.0/")) return graph(emulator, url.pathname, authorization);
    if (url.pathname.startsWith("/_emulator/")) {
      if (!isControlRequest(request))
        return Response.json({ error: "x-emulator-control: 1 required" }, { status: 403 });
      const text = method === "POST" ? await readBody(request) : "";
      return control(emulator, method, url.pathname, text ? (JSON.parse(text) as Record<string, unknown>) : {});
    }
    return Response.json({ error: "not_found" }, { status: 404 });
  };
}
