// How an interaction ends: back to the app's registered redirect URI with a code or an error
// (OAuth 2.0 §4.1.2 and §4.1.2.1), as a 302 or, for response_mode=form_post, an auto-posting form.
import { randomBytes, randomUUID } from "node:crypto";
import type { Account } from "../directory";
import { redirectDescription, type EntraError } from "../errors";
import * as pages from "../pages";
import type { Emulator, Interaction } from "./state";

export function issueCode(emulator: Emulator, interaction: Interaction, account: Account): Response | string {
  const code = randomBytes(32).toString("base64url");
  emulator.codes.set(code, {
    clientId: interaction.app.clientId,
    redirectUri: interaction.redirectUri,
    codeChallenge: interaction.codeChallenge!,
    nonce: interaction.nonce,
    permissions: interaction.permissions,
    account,
    authTime: Math.floor(Date.now() / 1000),
    expiresAt: Date.now() + emulator.codeLifetimeMs,
    redeemed: false,
  });
  emulator.interactions.delete(interaction.id);
  return redirect(interaction, {
    code,
    ...(interaction.state !== undefined ? { state: interaction.state } : {}),
    session_state: randomUUID(),
  });
}

export function fail(
  emulator: Emulator,
  interaction: Interaction,
  failure: EntraError,
  subcode?: string,
): Response | string {
  emulator.interactions.delete(interaction.id);
  return redirect(interaction, {
    error: failure.error,
    error_description: redirectDescription(failure),
    ...(subcode ? { error_subcode: subcode } : {}),
    ...(interaction.state !== undefined ? { state: interaction.state } : {}),
  });
}

export function redirect(interaction: Interaction, params: Record<string, string>): Response | string {
  if (interaction.responseMode === "form_post") return pages.formPost(interaction.redirectUri, params);
  const target = new URL(interaction.redirectUri);
  for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
  return new Response(null, { status: 302, headers: { location: target.toString() } });
}
