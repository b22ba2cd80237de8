// The admin sign-up's cookie, read and written by its routes and by the sign-in callback.
import { cookies } from "next/headers";
import { config } from "../config";
import { ADMIN_SIGNUP_COOKIE, cookieOptions, openProgress, sealProgress, type SignupProgress } from "./admin-signup";

export async function readProgress(): Promise<SignupProgress | null> {
  return openProgress((await cookies()).get(ADMIN_SIGNUP_COOKIE)?.value, config().auth.secret);
}

export async function writeProgress(progress: SignupProgress): Promise<void> {
  const secure = (config().auth.url ?? "").startsWith("https://");
  (await cookies()).set(ADMIN_SIGNUP_COOKIE, await sealProgress(progress, config().auth.secret), cookieOptions(secure));
}

/** Single use: once read at a step that consumes it, the cookie is gone (a replay finds nothing). */
export async function clearProgress(): Promise<void> {
  (await cookies()).delete(ADMIN_SIGNUP_COOKIE);
}
