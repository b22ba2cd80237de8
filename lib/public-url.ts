// Where the app is served, for redirect URIs and absolute redirects.
import { config } from "./config";

/**
 * The app's public origin: AUTH_URL or the host's own name for the app (lib/config.ts
 * publicUrlOf). Behind a proxy (Azure App Service, Vercel) the request's URL may name the
 * internal address, and its Host and X-Forwarded-* headers are the client's to write: neither
 * builds a redirect URI when the configuration knows the answer (../SECURITY.md "Deployment").
 * In development without AUTH_URL, the request's own origin.
 */
export function appOrigin(request: Request): string {
  return config().auth.url ?? new URL(request.url).origin;
}
