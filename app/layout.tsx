import type { Metadata } from "next";
import Link from "next/link";
import { brand } from "@/lib/brand";
import "./globals.css";

// Every page is rendered per request: its scripts carry that response's CSP nonce (proxy.ts).
export const dynamic = "force-dynamic";

// A function, not a constant: the names come from the configuration of the running server.
export function generateMetadata(): Metadata {
  return {
    title: { default: brand.productName, template: `%s · ${brand.productName}` },
    description: `${brand.productName}: start a free trial with your work account.`,
  };
}

const footerLink = "underline-offset-4 hover:text-slate-900 hover:underline";

export default function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  return (
    <html lang="en">
      <body className="flex min-h-screen flex-col bg-slate-50 font-sans text-slate-900 antialiased">
        <header className="border-b border-slate-200 bg-white">
          <nav className="mx-auto flex max-w-5xl items-center justify-between px-6 py-4">
            <Link href="/" className="min-w-0 truncate text-lg font-semibold text-brand-dark">
              {brand.productName}
            </Link>
          </nav>
        </header>
        <main className="mx-auto w-full max-w-5xl flex-1 px-6 py-12">{children}</main>
        <footer className="border-t border-slate-200 bg-white">
          <ul className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-4 gap-y-2 px-6 py-4 text-sm text-slate-600">
            <li>
              <Link href="/privacy" className={footerLink}>
                Privacy
              </Link>
            </li>
            <li>
              <Link href="/terms" className={footerLink}>
                Terms
              </Link>
            </li>
            <li className="min-w-0 break-all">
              <a href={`mailto:${brand.supportEmail}`} className={footerLink}>
                {brand.supportEmail}
              </a>
            </li>
            <li>
              © {new Date().getFullYear()} {brand.vendorName}
            </li>
          </ul>
        </footer>
      </body>
    </html>
  );
}
