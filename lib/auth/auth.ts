// Auth.js, with Microsoft Entra ID's multi-tenant sign-in. The provider id must stay
// "microsoft-entra-id": Auth.js gives only that id Entra's per-tenant issuer handling.
import NextAuth from "next-auth";
import MicrosoftEntraID from "next-auth/providers/microsoft-entra-id";
import { config } from "../config";

export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  // Read at the first request, not at build time: a build needs no secrets.
  const { auth: settings, entra } = config();
  return {
    secret: settings.secret,
    providers: [
      MicrosoftEntraID({
        clientId: entra.clientId,
        clientSecret: entra.clientSecret,
        issuer: entra.issuer,
        // Auth.js checks only PKCE for this provider unless told: state and nonce too (OIDC Core §3.1.2.1).
        checks: ["pkce", "state", "nonce"],
        authorization: { params: { scope: "openid profile email offline_access User.Read" } },
        // The stock profile() fetches the user's photo from Microsoft Graph into the session
        // cookie: it fails offline and makes cookies too large. Identity is (tid, oid).
        profile: (profile) => ({
          id: `${profile.tid}/${profile.oid}`,
          name: profile.name,
          email: profile.email ?? null,
        }),
      }),
    ],
    callbacks: {
      jwt({ token, profile }) {
        if (profile) {
          token.tid = profile.tid;
          token.oid = profile.oid;
        }
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { ...session.user, tid: token.tid as string, oid: token.oid as string } };
      },
    },
  };
});
