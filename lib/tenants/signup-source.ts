// AppSource and campaigns add query parameters to the trial link (source, utm_*). They ride
// through the sign-in in a short-lived cookie and are recorded with the sign-up. Only these
// names, bounded sizes: the rest of the query is dropped.
import { z } from "zod";

const allowed = /^(source|utm_[a-z]{1,20}|campaign|offer|ref)$/;
const sourceSchema = z
  .record(z.string().regex(allowed), z.string().max(200))
  .refine((value) => Object.keys(value).length <= 12);

/** The recordable parameters of a query string. */
export function signupSourceFrom(params: URLSearchParams): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of params) {
    if (allowed.test(name) && Object.keys(picked).length < 12) picked[name] = value.slice(0, 200);
  }
  return picked;
}

export function parseSignupSource(cookieValue: string | undefined): Record<string, string> | undefined {
  if (!cookieValue) return undefined;
  try {
    const parsed = sourceSchema.safeParse(JSON.parse(cookieValue));
    return parsed.success && Object.keys(parsed.data).length ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
