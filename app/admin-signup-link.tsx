// "Sign up your organization (admin)": the admin consent flow (/signup), for administrators.
// A plain link: /signup answers with a redirect and a cookie, nothing to prefetch.
export function AdminSignUpLink({ label = "Sign up your organization (admin)" }: { label?: string }) {
  return (
    <a
      href="/signup"
      className="inline-block rounded border border-slate-300 bg-white px-3 py-2 text-sm hover:bg-slate-100"
    >
      {label}
    </a>
  );
}
