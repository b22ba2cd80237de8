// Refusals of the admin consent callback, before anyone signed in: a log line for support, with
// the reason and Entra's error code; nothing written to the database (a stranger's probes must
// not write on a real tenant, nor grow anything: ../SECURITY.md "What people see").
import type { CallbackRefusal } from "./admin-signup";
import { safeLogValue } from "../log";

export function logRefusedCallback(reason: CallbackRefusal, query: URLSearchParams): void {
  const error = query.get("error");
  const code = query.get("error_description")?.match(/AADSTS(\d{1,8})/)?.[1];
  console.warn(
    `[signup] admin consent callback refused: reason=${reason}` +
      (error ? ` error=${safeLogValue(error, 60)}` : "") +
      (code ? ` aadsts=${code}` : "") +
      ` tenant=${safeLogValue(query.get("tenant") ?? "", 60)}`,
  );
}
