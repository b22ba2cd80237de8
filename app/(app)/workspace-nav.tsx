"use client";
// The workspace's navigation. On phones it folds into a "Menu" disclosure (no script needed to
// open it); the current page is marked for screen readers (aria-current).
import { usePathname } from "next/navigation";
import { NavLinks } from "../nav-links";

const PAGES = [
  { href: "/dashboard", label: "Overview" },
  // Your product's pages (app/(app)/(product)/) go here, after the Overview.
  { href: "/notes", label: "Notes" },
  { href: "/team", label: "Team" },
  { href: "/settings", label: "Settings" },
  { href: "/plan", label: "Plan" },
] as const;

export function WorkspaceNav() {
  const current = usePathname();
  return (
    <nav aria-label="Workspace" className="border-b border-slate-200 pb-2">
      {/* A new page closes the menu (a new element for each path). */}
      <details key={current} className="md:hidden">
        <summary className="cursor-pointer rounded px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100">
          Menu
        </summary>
        <NavLinks pages={PAGES} current={current} />
      </details>
      <div className="hidden md:block">
        <NavLinks pages={PAGES} current={current} />
      </div>
    </nav>
  );
}
