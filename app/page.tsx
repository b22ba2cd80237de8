import { auth, signIn, signOut } from "@/lib/auth/auth";
import { brand } from "@/lib/brand";
import { config } from "@/lib/config";
import { MicrosoftSignInButton } from "./microsoft-sign-in-button";

export default async function HomePage() {
  const session = await auth();
  const { entra } = config();

  return (
    <section className="space-y-6">
      <h1 className="text-4xl font-bold tracking-tight text-brand-dark">{brand.productName}</h1>
      <p className="max-w-2xl text-lg text-slate-700">
        Try it with your work account: one click from Microsoft AppSource, no credit card, no setup. Your
        organization&apos;s data stays in your organization&apos;s own space.
      </p>
      {session?.user ? (
        <div className="space-y-3">
          <p className="text-slate-700">
            Signed in as <strong>{session.user.name}</strong>
          </p>
          <form
            action={async () => {
              "use server";
              await signOut({ redirectTo: "/" });
            }}
          >
            <button type="submit" className="text-brand underline">
              Sign out
            </button>
          </form>
        </div>
      ) : (
        <form
          action={async () => {
            "use server";
            await signIn("microsoft-entra-id", { redirectTo: "/" });
          }}
        >
          <MicrosoftSignInButton />
        </form>
      )}
      {entra.emulated ? (
        <p className="max-w-2xl rounded border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          Development mode: sign-in goes to the <strong>local Microsoft Entra ID emulator</strong>, with demo accounts
          of made-up organizations. Set the <code>AUTH_MICROSOFT_ENTRA_ID_*</code> variables to use Microsoft Entra ID.
        </p>
      ) : null}
    </section>
  );
}
