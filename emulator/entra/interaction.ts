// The pages of a sign-in under way and their answers: the account picker, the consent page,
// "Need admin approval", and the admin consent page.
import { decideConsent } from "../consent";
import { isConsentAdmin, PERSONAL_ACCOUNTS_TENANT, type Account } from "../directory";
import { aadsts, EntraFailure } from "../errors";
import { HttpError } from "../http";
import * as pages from "../pages";
import { fail, issueCode, redirect } from "./redirect";
import type { Emulator, Interaction } from "./state";

export function picker(emulator: Emulator, interaction: Interaction): string {
  let accounts = emulator.accountsFor(interaction.authority);
  const hinted = accounts.filter((account) => account.username.toLowerCase() === interaction.loginHint);
  if (hinted.length && interaction.prompt !== "select_account") accounts = hinted;
  else if (interaction.domainHint) {
    const inDomain = accounts.filter((account) => {
      const tenant = emulator.directory.tenants.get(account.tenantId);
      return tenant && [tenant.id, tenant.initialDomain, ...tenant.domains].includes(interaction.domainHint!);
    });
    if (inDomain.length) accounts = inDomain;
  }
  if (interaction.kind === "adminconsent")
    accounts = accounts.filter((account) => account.tenantId !== PERSONAL_ACCOUNTS_TENANT);
  return pages.accountPicker({
    action: `/_interaction/${interaction.id}/account`,
    appName: interaction.app.displayName,
    accounts,
    tenants: emulator.directory.tenants,
    heading: interaction.kind === "adminconsent" ? "Sign in with an administrator account" : undefined,
  });
}

function findInteraction(emulator: Emulator, id: string): Interaction {
  const interaction = emulator.interactions.get(id);
  if (!interaction || interaction.expiresAt < Date.now()) {
    throw new HttpError(
      400,
      pages.errorPage(90014, "This sign-in request has expired or is unknown. Start again from the application."),
    );
  }
  return interaction;
}

/** The account picked on the picker page. */
export function chooseAccount(
  emulator: Emulator,
  id: string,
  form: URLSearchParams,
): { result: Response | string; account: Account } {
  const interaction = findInteraction(emulator, id);
  const account = emulator.account(form.get("tid") ?? "", form.get("oid") ?? "");
  if (!account || !emulator.accountsFor(interaction.authority).includes(account)) {
    throw new EntraFailure(aadsts.accountNotAllowed(interaction.authority.segment));
  }
  if (interaction.kind === "adminconsent") {
    if (!isConsentAdmin(account)) {
      // Entra sends a non-admin back with an error; the app must not take it as consent.
      return { result: fail(emulator, interaction, aadsts.adminConsentRequired()), account };
    }
    interaction.account = account;
    return {
      result: pages.adminConsentPage({
        action: `/_interaction/${id}/consent`,
        appName: interaction.app.displayName,
        account,
        permissions: [...interaction.app.delegatedPermissions, ...interaction.app.applicationPermissions],
      }),
      account,
    };
  }
  return { result: continueAs(emulator, interaction, account), account };
}

/** What Entra would do about `account`'s consent to the interaction's app and permissions. */
function consentFor(emulator: Emulator, interaction: Interaction, account: Account, forcePrompt: boolean) {
  return decideConsent(
    emulator.directory,
    emulator.consents,
    account,
    interaction.app,
    interaction.permissions,
    forcePrompt,
  );
}

/** Signed in as `account`: a code if consent is already there, else the page that asks for it. */
export function continueAs(emulator: Emulator, interaction: Interaction, account: Account): Response | string {
  interaction.account = account;
  const decision = consentFor(emulator, interaction, account, interaction.prompt === "consent");
  const action = `/_interaction/${interaction.id}/consent`;
  switch (decision.kind) {
    case "granted":
      return issueCode(emulator, interaction, account);
    case "needs-admin-approval":
      return pages.needAdminApprovalPage({ action, appName: interaction.app.displayName, account });
    default:
      return pages.consentPage({
        action,
        appName: interaction.app.displayName,
        account,
        permissions: decision.missing,
        offerOrganization: decision.kind === "ask-admin",
      });
  }
}

/** Accept or cancel on a consent, admin consent or "Need admin approval" page. */
export function decide(emulator: Emulator, id: string, form: URLSearchParams): Response | string {
  const interaction = findInteraction(emulator, id);
  const account = interaction.account;
  if (!account) throw new HttpError(400, pages.errorPage(90014, "Pick an account first."));
  if (form.get("decision") !== "accept") {
    // "Return to the application without granting consent" on "Need admin approval" is no
    // decline: Entra answers that admin approval is required (AADSTS90094), as it does for a
    // non-admin at the admin consent page. The consent and admin consent pages' Cancel: 65004.
    const needsAdmin =
      interaction.kind === "authorize" &&
      consentFor(emulator, interaction, account, true).kind === "needs-admin-approval";
    return needsAdmin
      ? fail(emulator, interaction, aadsts.adminConsentRequired())
      : fail(emulator, interaction, aadsts.userDeclined(), "cancel");
  }

  if (interaction.kind === "adminconsent") {
    emulator.consents.recordAdminConsent(account, interaction.app, interaction.permissions);
    emulator.interactions.delete(id);
    return redirect(interaction, {
      admin_consent: "True",
      tenant: account.tenantId,
      scope: "https://graph.microsoft.com/.default",
      ...(interaction.state !== undefined ? { state: interaction.state } : {}),
    });
  }
  const decision = consentFor(emulator, interaction, account, true);
  if (decision.kind === "needs-admin-approval") {
    // A crafted "accept" from someone who may not consent changes nothing.
    return fail(emulator, interaction, aadsts.adminConsentRequired());
  }
  if (decision.kind === "ask-admin" && form.get("organization") === "on") {
    emulator.consents.recordAdminConsent(account, interaction.app, interaction.permissions);
  } else {
    emulator.consents.recordUserConsent(account, interaction.app.clientId, interaction.permissions);
  }
  return issueCode(emulator, interaction, account);
}
