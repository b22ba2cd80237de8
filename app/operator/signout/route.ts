import { cookies } from "next/headers";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { closeOperatorSession, operatorCookie } from "@/lib/operators/session";

export const dynamic = "force-dynamic";

/** Ends the console session on the server (a POST: a link or an image cannot sign anyone out). */
export async function POST(request: Request): Promise<Response> {
  const cookie = operatorCookie(config().auth.url);
  const store = await cookies();
  await closeOperatorSession(await db(), store.get(cookie.name)?.value);
  store.set(cookie.name, "", { httpOnly: true, sameSite: "lax", secure: cookie.secure, path: "/", maxAge: 0 });
  return Response.redirect(new URL("/operator/signin?signed-out=1", config().auth.url ?? request.url), 303);
}
