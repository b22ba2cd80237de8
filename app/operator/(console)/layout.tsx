import Link from "next/link";
import { requireOperator } from "@/lib/operators/access";
import { OperatorNav } from "./operator-nav";

// The operator console. Its own URL space (/operator), its own sessions and gate
// (lib/operators/): nothing here is a customer's workspace. The gate runs before anything
// renders, and again in every page, read and action.
export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const operator = await requireOperator();
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <Link href="/operator" className="text-lg font-semibold text-brand-dark">
          Operator console
        </Link>
        <div className="flex items-center gap-3 text-sm text-slate-600">
          <span>
            {operator.name ?? operator.email ?? "Operator"} ·{" "}
            {operator.role === "OPERATOR" ? "Operator" : "Operator.Read (read only)"}
          </span>
          <form action="/operator/signout" method="post">
            <button type="submit" className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-100">
              Sign out
            </button>
          </form>
        </div>
      </div>
      <OperatorNav />
      {children}
    </div>
  );
}
