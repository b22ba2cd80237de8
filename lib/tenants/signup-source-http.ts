// The sign-up source cookie: set by /trial/start, read and deleted at the sign-in that records
// it. HttpOnly, SameSite=Lax, and on https `__Host-` and Secure (../SECURITY.md "Sessions and
// requests").
import { cookies } from "next/headers";
import { config } from "../config";
import { parseSignupSource } from "./signup-source";

const secure = () => (config().auth.url ?? "").startsWith("https://");
const name = () => (secure() ? "__Host-appsource.signup_source" : "appsource.signup_source");
const options = () => ({ httpOnly: true, sameSite: "lax" as const, secure: secure(), path: "/", maxAge: 60 * 60 });

export async function writeSignupSource(source: Record<string, string>): Promise<void> {
  (await cookies()).set(name(), JSON.stringify(source), options());
}

export async function readSignupSource(): Promise<Record<string, string> | undefined> {
  return parseSignupSource((await cookies()).get(name())?.value);
}

export async function clearSignupSource(): Promise<void> {
  (await cookies()).set(name(), "", { ...options(), maxAge: 0 });
}
