// The admin sign-up's cookie, read and written by its routes and by the sign-in callback.
// On https it is `__Host-` and Secure (../SECURITY.md "Sessions and requests").
import { cookies } from "next/headers";
import { config } from "../config";
import { adminSignupCookieName, cookieOptions, openProgress, sealProgress, type SignupProgress } from "./admin-signup";

const secure = () => (config().auth.url ?? "").startsWith("https://");

export async function readProgress(): Promise<SignupProgress | null> {
  return openProgress((await cookies()).get(adminSignupCookieName(secure()))?.value, config().auth.secret);
}

export async function writeProgress(progress: SignupProgress): Promise<void> {
  (await cookies()).set(
    adminSignupCookieName(secure()),
    await sealProgress(progress, config().auth.secret),
    cookieOptions(secure()),
  );
}

/** Once read at a step that consumes it, the cookie is gone (the server's record makes it single use). */
export async function clearProgress(): Promise<void> {
  (await cookies()).set(adminSignupCookieName(secure()), "", { ...cookieOptions(secure()), maxAge: 0 });
}
