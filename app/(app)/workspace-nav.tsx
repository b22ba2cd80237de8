"use client";
// The workspace's navigation. On phones it folds into a "Menu" disclosure (no script needed to
// open it); the current page is marked for screen readers (aria-current).
import Link from "next/link";
import { usePathname } from "next/navigation";

const PAGES = [
  { href: "/dashboard", label: "Overview" },
  // Your product's pages (app/(app)/(product)/) go here, after the Overview.
  { href: "/notes", label: "Notes" },
  { href: "/team", label: "Team" },
  { href: "/settings", label: "Settings" },
  { href: "/plan", label: "Plan" },
] as const;

function Links({ current }: { current: string }) {
  return (
    <ul className="flex flex-col gap-1 md:flex-row">
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
  );
}

export function WorkspaceNav() {
  const current = usePathname();
  return (
    <nav aria-label="Workspace" className="border-b border-slate-200 pb-2">
      {/* A new page closes the menu (a new element for each path). */}
      <details key={current} className="md:hidden">
        <summary className="cursor-pointer rounded px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100">
          Menu
        </summary>
        <Links current={current} />
      </details>
      <div className="hidden md:block">
        <Links current={current} />
      </div>
    </nav>
  );
}
