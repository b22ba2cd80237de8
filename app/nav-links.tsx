// The links of a navigation bar (the workspace's, the operator console's): the current page is
// marked for screen readers (aria-current).
import Link from "next/link";

export function NavLinks({
  pages,
  current,
  className = "flex flex-col gap-1 md:flex-row",
}: {
  pages: readonly { href: string; label: string }[];
  current: string | undefined;
  className?: string;
}) {
  return (
    <ul className={className}>
      {pages.map((page) => (
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
