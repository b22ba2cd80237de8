// Auth.js, with Microsoft Entra ID's multi-tenant sign-in. The provider id must stay
// "microsoft-entra-id": Auth.js gives only that id Entra's per-tenant issuer handling.
import NextAuth, { customFetch } from "next-auth";
import MicrosoftEntraID from "next-auth/providers/microsoft-entra-id";
import { config } from "../config";
import { DeadlineExceeded, fetchWithin } from "../deadline";
import { db } from "../db/client";
import { SIGN_IN_SCOPE } from "../entra/app-registration";
import { authorityBase } from "../entra/authority";
import { admitOperator, takeOperatorSignIn } from "../operators/sign-in";
import { judgeAdminSignIn } from "../tenants/admin-signup";
import { readProgress, writeProgress } from "../tenants/admin-signup-http";
import { learnOrganizationAtSignIn } from "../tenants/organization";
import { clearSignupSource, readSignupSource } from "../tenants/signup-source-http";
import { admitUser } from "../tenants/trial";
import { accountId, appAdapter } from "./adapter";
import { sameOriginTarget } from "./redirects";
import { IdTokenError, TenantKeySets, verifyEntraIdToken } from "./id-token";
import { sessionCookie } from "./session";

const globalForAuth = globalThis as unknown as { entraKeySets?: TenantKeySets };

/**
 * No request to the identity provider may hold a sign-in forever (../SECURITY.md "The sign-in
 * flow"). Auth.js's own fetches each get ENTRA_TIMEOUT_MS (10 s by default): the issuer's
 * discovery as the sign-in starts and again at the callback, the token, and the discovery of the
 * token's tenant. Auth.js keeps none of them, so a failure ends one sign-in only. (The ID token's
 * keys: id-token.ts, half as long each.) A request given up is logged, with its address only.
 */
function withTimeout<T extends { [customFetch]?: typeof fetch }>(provider: T, timeoutMs: number): T {
  const entraFetch = fetchWithin(timeoutMs, provider[customFetch] ?? fetch);
  provider[customFetch] = (async (input: RequestInfo | URL, init?: RequestInit) => {
    try {
      return await entraFetch(input, init);
    } catch (error) {
      if (error instanceof DeadlineExceeded) {
        const url = new URL(input instanceof Request ? input.url : input);
        console.warn(`[auth] Microsoft Entra ID gave no answer within ${error.ms} ms: ${url.origin}${url.pathname}`);
      }
      throw error;
    }
  }) as typeof fetch;
  return provider;
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  // Read at the first request, not at build time: a build needs no secrets.
  const { auth: settings, entra, trial } = config();
  const cookie = sessionCookie();
  const base = authorityBase(entra.issuer);
  const keySets = (globalForAuth.entraKeySets ??= new TenantKeySets(base, undefined, undefined, entra.lookupTimeoutMs));
  return {
    secret: settings.secret,
    adapter: appAdapter(db),
    // Sessions live in the database: signing out deletes the row, so a copied cookie dies with it.
    session: { strategy: "database", maxAge: 8 * 60 * 60, updateAge: 60 * 60 },
    cookies: {
      sessionToken: {
        name: cookie.name,
        options: { httpOnly: true, sameSite: "lax", path: "/", secure: cookie.secure },
      },
    },
    // Auth.js sends sign-in failures (a token endpoint that failed, a refused callback) to its
    // "sign-in page" with ?error=...; ours explains them. Nobody is sent there to sign in.
    pages: { signIn: "/signin/error", error: "/signin/error" },
    providers: [
      withTimeout(
        MicrosoftEntraID({
          clientId: entra.clientId,
          clientSecret: entra.clientSecret,
          issuer: entra.issuer,
          // Auth.js checks only PKCE for this provider unless told: state and nonce too (OIDC Core §3.1.2.1).
          checks: ["pkce", "state", "nonce"],
          authorization: { params: { scope: SIGN_IN_SCOPE } },
          // The stock profile() fetches the user's photo from Microsoft Graph into the session: it
          // fails offline and bloats cookies. The account id is (tid, oid), never e-mail.
          profile: (profile) => ({
            id: accountId(profile.tid, profile.oid),
            name: profile.name,
            email: profile.email ?? null,
          }),
        }),
        entra.timeoutMs,
      ),
    ],
    callbacks: {
      // Where Auth.js sends people after sign-in or sign-out: our origin only (a callbackUrl from a
      // form or cookie included); anything else goes home.
      redirect({ url, baseUrl }) {
        return sameOriginTarget(url, baseUrl)?.href ?? baseUrl;
      },
      async signIn({ account }) {
        if (account?.provider !== "microsoft-entra-id" || typeof account.id_token !== "string") return false;
        let identity;
        try {
          identity = await verifyEntraIdToken(account.id_token, {
            clientId: entra.clientId,
            authorityBase: base,
            keySets,
          });
        } catch (error) {
          if (!(error instanceof IdTokenError)) throw error;
          // The reason, never the token.
          console.warn(`[auth] ${error.message}`);
          return "/signin/error?error=invalid_token";
        }
        // The operator console's sign-in: an operator session, never a customer's workspace.
        if (await takeOperatorSignIn()) return admitOperator(identity);
        // An administrator signing in for the organization sign-up (proof 2): tid and role.
        const signup = await readProgress();
        if (signup?.stage === "admin-sign-in") await writeProgress(judgeAdminSignIn(signup, identity));
        if (identity.personal && !trial.allowPersonalAccounts) return "/signin/personal-account";
        const source = await readSignupSource();
        const prisma = await db();
        const admission = await admitUser(
          prisma,
          {
            tid: identity.tid,
            oid: identity.oid,
            name: identity.name,
            email: identity.email,
            source,
            channel: signup?.stage === "admin-sign-in" ? "ADMIN_SIGNUP" : "TRIAL",
          },
          { days: trial.days, mode: trial.mode },
        );
        if (source) await clearSignupSource(); // recorded (or the tenant already had one): done with it
        // A new organization's name and domains, read with this person's own token (User.Read).
        if (admission.tenantCreated && !identity.personal) {
          await learnOrganizationAtSignIn(prisma, identity.tid, {
            accessToken: typeof account.access_token === "string" ? account.access_token : undefined,
            email: identity.email,
          });
        }
        return true;
      },
    },
  };
});
