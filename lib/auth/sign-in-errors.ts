// What the sign-in error page says. Its text is ours, chosen from the error code: nothing a
// visitor puts in the URL (error_description, a correlation id) is shown back as if we or
// Microsoft said it, since that would be a phishing aid on the ISV's own domain ("call this
// number"). The AADSTS number alone may be shown; the details go to the server log under a
// reference the person can quote (../SECURITY.md "What people see").
// Codes: learn.microsoft.com, "Microsoft Entra authentication and authorization error codes".
import { randomUUID } from "node:crypto";
import { safeLogValue } from "../log";

export type SignInProblem =
  /** The person saw the permission screen and did not accept it. */
  | "declined"
  /** Only an administrator can approve the app for this organization. */
  | "needs-admin-approval"
  /** The same, and the person already sent a request through Entra's admin consent workflow. */
  | "admin-approval-requested"
  /** A personal Microsoft account where the app takes work or school accounts only. */
  | "personal-account"
  | "not-assigned"
  | "account-elsewhere"
  | "blocked-by-policy"
  | "more-verification"
  | "app-not-found"
  | "invalid-token"
  | "interrupted"
  | "generic";

/** Entra's AADSTS numbers the page has words for. */
const AADSTS: Record<string, SignInProblem> = {
  "65004": "declined", // the user declined consent (the permission screen's Cancel)
  "65001": "declined", // consent not granted (prompt=none, or a consent screen left unanswered)
  "90094": "needs-admin-approval", // admin approval required ("Need admin approval": Return to the application)
  "90093": "needs-admin-approval", // the permissions asked for need an administrator's consent
  "90095": "admin-approval-requested", // admin consent workflow: the request went to the reviewers
  "500200": "personal-account", // a personal Microsoft account, at an app for organizations only
  "50105": "not-assigned", // the app requires assignment, and the user has none
  "50020": "account-elsewhere", // the account is not in the tenant it signed in to
  "53003": "blocked-by-policy", // Conditional Access
  "50076": "more-verification", // MFA required
  "50079": "more-verification", // MFA registration required
  "700016": "app-not-found", // the app is not in the directory
};

/** Auth.js's own error codes (its ?error=...) and the provider's OAuth error codes. */
const ERRORS: Record<string, SignInProblem> = {
  invalid_token: "invalid-token",
  Configuration: "interrupted",
  OAuthCallbackError: "interrupted",
  CallbackRouteError: "interrupted",
  access_denied: "declined", // without an AADSTS number: most often the permission screen's Cancel
  consent_required: "declined",
  interaction_required: "more-verification",
};

export type SignInError = { problem: SignInProblem; aadsts?: string; reference: string };

/** Our reading of the error parameters; logs them with a fresh reference for support. */
export function explainSignInError(params: {
  error?: string;
  error_description?: string;
  error_subcode?: string;
}): SignInError {
  const aadsts = params.error_description?.match(/AADSTS(\d{4,8})\b/)?.[1];
  // Own keys only: ?error=constructor must not find Object's.
  const problem =
    (aadsts && Object.hasOwn(AADSTS, aadsts) && AADSTS[aadsts]) ||
    (params.error && Object.hasOwn(ERRORS, params.error) && ERRORS[params.error]) ||
    "generic";
  const reference = randomUUID();
  console.warn(
    `[signin] reference=${reference} problem=${problem} error=${safeLogValue(params.error ?? "", 60)}` +
      (aadsts ? ` aadsts=${aadsts}` : "") +
      (params.error_subcode ? ` subcode=${safeLogValue(params.error_subcode, 40)}` : "") +
      (params.error_description ? ` description=${safeLogValue(params.error_description, 400)}` : ""),
  );
  return { problem, aadsts, reference };
}
