"use client";
// The console's navigation; the current page is marked for screen readers (aria-current).
import Link from "next/link";
import { usePathname } from "next/navigation";

const PAGES = [
  { href: "/operator", label: "Overview" },
  { href: "/operator/tenants", label: "Tenants" },
  { href: "/operator/audit", label: "Audit log" },
] as const;

export function OperatorNav() {
  const path = usePathname();
  const current = PAGES.filter((page) => path === page.href || path.startsWith(`${page.href}/`)).at(-1)?.href;
  return (
    <nav aria-label="Operator console" className="border-b border-slate-200 pb-2">
      <ul className="flex flex-wrap gap-1">
        {PAGES.map((page) => (
          <li key={page.href}>
            <Link
              href={page.href}
              aria-current={current === page.href ? "page" : undefined}
              className="block rounded px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-brand/10 aria-[current=page]:text-brand-dark"
            >
              {page.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
