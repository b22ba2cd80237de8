// The emulator's pages: the account picker, consent, "Need admin approval", admin consent.
// They look like nothing more than what they are: a local stand-in, clearly labelled.
import { isConsentAdmin, type Account, type Tenant } from "./directory";

const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const esc = (value: unknown) => String(value ?? "").replace(/[&<>"']/g, (char) => escapes[char]!);

/** Which of the emulator's faces a page belongs to: its title suffix and its banner. */
export type Face = { name: string; banner: string; wide?: boolean };

const entraFace: Face = {
  name: "Local Entra ID emulator",
  banner:
    "<strong>Local Microsoft Entra ID emulator</strong> — for development and tests only. This is not Microsoft's sign-in page; no password is asked.",
};

export function page(title: string, body: string, face: Face = entraFace): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · ${esc(face.name)}</title>
<style>
body{font-family:"Segoe UI",system-ui,sans-serif;background:#f2f2f2;margin:0;color:#1b1b1b}
.banner{background:#fff4ce;border-bottom:1px solid #e0c36b;padding:.6rem 1rem;font-size:.9rem}
main{max-width:28rem;margin:2.5rem auto;background:#fff;padding:2rem 2.5rem;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:1.5rem;font-weight:600;margin:0 0 1rem}
button,.button{font:inherit;padding:.5rem 1.2rem;border:1px solid #8a8a8a;background:#fff;cursor:pointer;text-decoration:none;color:inherit;display:inline-block}
button.primary{background:#0067b8;border-color:#0067b8;color:#fff}
.account{display:block;width:100%;text-align:left;margin:.4rem 0;padding:.7rem .9rem}
.account small{display:block;color:#555}
ul.permissions{padding-left:1.2rem} .muted{color:#555;font-size:.9rem} .actions{display:flex;gap:.6rem;justify-content:flex-end;margin-top:1.5rem}
main.wide{max-width:52rem} fieldset{border:1px solid #c8c8c8;margin:0 0 1rem;padding:.6rem 1rem} legend{font-weight:600}
label.choice{display:block;margin:.5rem 0} .field{display:block;margin:.9rem 0} .field input,.field select{font:inherit;display:block;margin-top:.25rem;padding:.35rem}
table{border-collapse:collapse;width:100%} th,td{text-align:left;padding:.4rem;border-bottom:1px solid #ddd;vertical-align:top}
.error{background:#fde7e9;border:1px solid #d13438;padding:.6rem .9rem}
.panel{border:1px dashed #8a8a8a;background:#f6f6f6;margin:1rem 0;padding:.2rem 1rem .6rem} .panel h4{margin:.6rem 0 .3rem} .panel form{display:inline-block;margin:.3rem .6rem .3rem 0}
</style></head>
<body><div class="banner" role="note">${face.banner}</div>
<main${face.wide ? ' class="wide"' : ""}>${body}</main></body></html>`;
}

/** What Entra's consent screen says for each permission. */
const permissionText: Record<string, string> = {
  openid: "Sign you in",
  profile: "View your basic profile",
  email: "View your email address",
  offline_access: "Maintain access to data you have given it access to",
  "User.Read": "Sign you in and read your profile",
  "User.Read.All": "Read all users' full profiles",
  "Organization.Read.All": "Read organization information",
  "Directory.Read.All": "Read directory data",
};
const permissionList = (permissions: string[]) =>
  `<ul class="permissions">${permissions
    .map(
      (permission) =>
        `<li>${esc(permissionText[permission] ?? permission)} <span class="muted">(${esc(permission)})</span></li>`,
    )
    .join("")}</ul>`;

const tenantName = (tenants: Map<string, Tenant>, account: Account) => tenants.get(account.tenantId)?.displayName ?? "";

export function accountPicker(input: {
  action: string;
  appName: string;
  accounts: Account[];
  tenants: Map<string, Tenant>;
  heading?: string;
}): string {
  const choices = input.accounts
    .map(
      (account) => `<form method="post" action="${esc(input.action)}">
  <input type="hidden" name="tid" value="${esc(account.tenantId)}"><input type="hidden" name="oid" value="${esc(account.oid)}">
  <button class="account" type="submit">${esc(account.name)}<small>${esc(account.username)} · ${esc(tenantName(input.tenants, account))}</small></button>
</form>`,
    )
    .join("\n");
  return page(
    "Pick an account",
    `<h1>${esc(input.heading ?? "Pick an account")}</h1>
<p class="muted">to continue to <strong>${esc(input.appName)}</strong></p>
${choices || "<p>No demo account can sign in here.</p>"}`,
  );
}

export function consentPage(input: {
  action: string;
  appName: string;
  account: Account;
  permissions: string[];
  offerOrganization: boolean;
}): string {
  return page(
    "Permissions requested",
    `<h1>Permissions requested</h1>
<p><strong>${esc(input.appName)}</strong> would like to:</p>
${permissionList(input.permissions)}
<p class="muted">Signed in as ${esc(input.account.username)}</p>
<form method="post" action="${esc(input.action)}">
${
  input.offerOrganization
    ? `<p><label><input type="checkbox" name="organization" value="on"> Consent on behalf of your organization</label></p>`
    : ""
}
<div class="actions"><button type="submit" name="decision" value="cancel">Cancel</button>
<button class="primary" type="submit" name="decision" value="accept">Accept</button></div>
</form>`,
  );
}

export function needAdminApprovalPage(input: { action: string; appName: string; account: Account }): string {
  return page(
    "Need admin approval",
    `<h1>Need admin approval</h1>
<p><strong>${esc(input.appName)}</strong> needs permission to access resources in your organization that only an admin can grant. Please ask an admin to grant permission to this app before you can use it.</p>
<p class="muted">Signed in as ${esc(input.account.username)}</p>
<form method="post" action="${esc(input.action)}">
<div class="actions"><button type="submit" name="decision" value="cancel">Return to the application without granting consent</button></div>
</form>`,
  );
}

export function adminConsentPage(input: {
  action: string;
  appName: string;
  account: Account;
  permissions: string[];
}): string {
  return page(
    "Permissions requested",
    `<h1>Permissions requested</h1>
<p><strong>Accept for your organization</strong></p>
<p><strong>${esc(input.appName)}</strong> would like to:</p>
${permissionList(input.permissions)}
<p class="muted">If you accept, this app will get access to the specified resources for all users in your organization. Signed in as ${esc(input.account.username)}</p>
<form method="post" action="${esc(input.action)}">
<div class="actions"><button type="submit" name="decision" value="cancel">Cancel</button>
<button class="primary" type="submit" name="decision" value="accept">Accept</button></div>
</form>`,
  );
}

export function errorPage(code: number, description: string): string {
  return page(
    "Sign-in error",
    `<h1>Sorry, but we're having trouble signing you in.</h1>
<p>AADSTS${code}: ${esc(description)}</p>`,
  );
}

/** The front channel's home page: who can sign in. */
export function directoryPage(accounts: Account[]): string {
  const rows = accounts
    .map(
      (account) =>
        `<li>${esc(account.name)} — ${esc(account.username)}${isConsentAdmin(account) ? " (administrator)" : ""}</li>`,
    )
    .join("");
  return page("Directory", `<h1>Demo directory</h1><ul>${rows}</ul>`);
}

export function signedOutPage(): string {
  return page(
    "Signed out",
    `<h1>You signed out of your account</h1><p>It's a good idea to close all browser windows.</p>`,
  );
}

export function formPost(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${esc(name)}" value="${esc(value)}">`)
    .join("");
  return `<!doctype html><html><body onload="document.forms[0].submit()"><form method="post" action="${esc(action)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form></body></html>`;
}
