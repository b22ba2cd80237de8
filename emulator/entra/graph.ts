// Microsoft Graph (GET /v1.0/me, GET /v1.0/organization) and the OIDC userinfo endpoint, behind
// a bearer access token the emulator issued: signature, audience, tenant and issuer checked.
import { randomUUID } from "node:crypto";
import { decodeProtectedHeader, importJWK, jwtVerify, type JWTPayload } from "jose";
import { HttpError } from "../http";
import { GRAPH_APP_ID } from "../tokens";
import type { Emulator } from "./state";

async function graphToken(emulator: Emulator, authorization: string | null): Promise<JWTPayload> {
  const token = authorization?.startsWith("Bearer ") ? authorization.slice(7) : undefined;
  const unauthorized = (message: string) =>
    new HttpError(401, JSON.stringify(graphError("InvalidAuthenticationToken", message)), "application/json");
  if (!token) throw unauthorized("Access token is empty.");
  try {
    const { kid } = decodeProtectedHeader(token);
    const jwk = emulator.keys.publicJwk(kid);
    if (!jwk) throw new Error("unknown key");
    const { payload } = await jwtVerify(token, await importJWK(jwk, "RS256"), {
      algorithms: ["RS256"],
      audience: [GRAPH_APP_ID, "https://graph.microsoft.com"],
    });
    const tid = String(payload.tid ?? "");
    if (!emulator.directory.tenants.has(tid) || payload.iss !== `${emulator.backUrl}/${tid}/v2.0`)
      throw new Error("tenant");
    return payload;
  } catch {
    throw unauthorized("Access token validation failure. Invalid audience, signature, issuer or tenant.");
  }
}

export async function graph(emulator: Emulator, path: string, authorization: string | null): Promise<Response> {
  const claims = await graphToken(emulator, authorization);
  const forbidden = () =>
    Response.json(graphError("Authorization_RequestDenied", "Insufficient privileges to complete the operation."), {
      status: 403,
    });
  const scp = String(claims.scp ?? "").split(" ");
  const appRoles = (claims.roles as string[] | undefined) ?? [];
  const tenant = emulator.directory.tenants.get(String(claims.tid))!;
  if (path === "/v1.0/me") {
    if (claims.idtyp !== "user") {
      return Response.json(graphError("BadRequest", "/me request is only valid with delegated authentication flow."), {
        status: 400,
      });
    }
    if (!scp.some((name) => ["User.Read", "User.Read.All", "User.ReadWrite", "Directory.Read.All"].includes(name)))
      return forbidden();
    const account = emulator.account(tenant.id, String(claims.oid));
    if (!account)
      return Response.json(graphError("Request_ResourceNotFound", "The user does not exist."), { status: 404 });
    return Response.json({
      "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",
      id: account.oid,
      displayName: account.name,
      givenName: account.name.split(" ")[0],
      surname: account.name.split(" ").slice(1).join(" ") || null,
      userPrincipalName: account.username,
      mail: account.email ?? null,
    });
  }
  if (path === "/v1.0/organization") {
    const allowed =
      claims.idtyp === "app"
        ? appRoles.some((role) => ["Organization.Read.All", "Directory.Read.All"].includes(role))
        : scp.some((name) => ["User.Read", "Organization.Read.All", "Directory.Read.All"].includes(name));
    if (!allowed) return forbidden();
    return Response.json({
      "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#organization",
      value: [
        {
          id: tenant.id,
          displayName: tenant.displayName,
          verifiedDomains: [
            ...tenant.domains.map((name, index) => ({
              name,
              isDefault: index === 0,
              isInitial: false,
              type: "Managed",
              capabilities: "Email",
            })),
            {
              name: tenant.initialDomain,
              isDefault: tenant.domains.length === 0,
              isInitial: true,
              type: "Managed",
              capabilities: "Email",
            },
          ],
        },
      ],
    });
  }
  return Response.json(graphError("Request_ResourceNotFound", `Resource not found for the segment '${path}'.`), {
    status: 404,
  });
}

export async function userinfo(emulator: Emulator, authorization: string | null): Promise<Response> {
  const claims = await graphToken(emulator, authorization);
  const account = claims.idtyp === "user" ? emulator.account(String(claims.tid), String(claims.oid)) : undefined;
  if (!account)
    return Response.json(graphError("InvalidAuthenticationToken", "A user token is required."), { status: 401 });
  return Response.json({
    sub: claims.sub,
    name: account.name,
    given_name: account.name.split(" ")[0],
    family_name: account.name.split(" ").slice(1).join(" "),
    email: account.email,
  });
}

function graphError(code: string, message: string) {
  return { error: { code, message, innerError: { date: new Date().toISOString(), "request-id": randomUUID() } } };
}
