// The account menu: who is signed in, and the ways out. A disclosure (<details>), so it opens
// without script and by keyboard.
import { signOutAction } from "./actions";

type Props = { name: string | null; email: string | null; organization: string };

export function AccountMenu({ name, email, organization }: Props) {
  const button = "block w-full rounded px-3 py-2 text-left text-sm hover:bg-slate-100";
  return (
    <details className="relative">
      <summary className="flex max-w-[60vw] cursor-pointer items-center gap-2 rounded border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50">
        <span className="truncate">{name ?? email ?? "Account"}</span>
        <span className="sr-only">: account menu</span>
      </summary>
      <div className="absolute right-0 z-10 mt-2 w-72 max-w-[90vw] rounded border border-slate-200 bg-white p-2 shadow-lg">
        <div className="border-b border-slate-100 px-3 pb-2">
          <p className="truncate font-medium">{name}</p>
          <p className="truncate text-sm text-slate-600">{email}</p>
          <p className="truncate text-sm text-slate-600">{organization}</p>
        </div>
        <form action={signOutAction} className="pt-2">
          <button type="submit" className={button}>
            Sign out
          </button>
          <button type="submit" name="microsoft" value="on" className={button}>
            Sign out of Microsoft too
          </button>
        </form>
        {/* A plain link: /trial/start ends this session, then asks Microsoft for the account picker. */}
        <a href="/trial/start?prompt=select_account" className={button}>
          Use another account
        </a>
      </div>
    </details>
  );
}
