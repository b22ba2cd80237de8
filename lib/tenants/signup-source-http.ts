// The sign-up source cookie: set by /trial/start, read and deleted at the sign-in that records
// it. HttpOnly, SameSite=Lax, and Secure on https (../SECURITY.md "Sessions and requests").
import { cookies } from "next/headers";
import { config } from "../config";
import { parseSignupSource, SIGNUP_SOURCE_COOKIE } from "./signup-source";

const options = () => ({
  httpOnly: true,
  sameSite: "lax" as const,
  secure: (config().auth.url ?? "").startsWith("https://"),
  path: "/",
  maxAge: 60 * 60,
});

export async function writeSignupSource(source: Record<string, string>): Promise<void> {
  (await cookies()).set(SIGNUP_SOURCE_COOKIE, JSON.stringify(source), options());
}

export async function readSignupSource(): Promise<Record<string, string> | undefined> {
  return parseSignupSource((await cookies()).get(SIGNUP_SOURCE_COOKIE)?.value);
}

export async function clearSignupSource(): Promise<void> {
  (await cookies()).set(SIGNUP_SOURCE_COOKIE, "", { ...options(), maxAge: 0 });
}
