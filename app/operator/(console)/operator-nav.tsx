"use client";
// The console's navigation (its section's page marked current, e.g. Tenants on a tenant's page).
import { usePathname } from "next/navigation";
import { NavLinks } from "../../nav-links";

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
      <NavLinks pages={PAGES} current={current} className="flex flex-wrap gap-1" />
    </nav>
  );
}
