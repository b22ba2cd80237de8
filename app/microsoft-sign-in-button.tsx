// "Sign in with Microsoft", drawn as Microsoft's identity branding guidelines ask: the
// four-square logo, Segoe UI, dark grey text on white, a thin grey border.
const className =
  "inline-flex h-[41px] items-center gap-3 border border-[#8C8C8C] bg-white px-3 text-[15px] font-semibold text-[#5E5E5E] hover:bg-slate-50";

function MicrosoftLogo() {
  return (
    <svg width="21" height="21" viewBox="0 0 21 21" aria-hidden="true">
      <rect x="1" y="1" width="9" height="9" fill="#f25022" />
      <rect x="11" y="1" width="9" height="9" fill="#7fba00" />
      <rect x="1" y="11" width="9" height="9" fill="#00a4ef" />
      <rect x="11" y="11" width="9" height="9" fill="#ffb900" />
    </svg>
  );
}

/** A link styled as the button (navigation, no form). */
export function MicrosoftSignInLink({ href, label = "Sign in with Microsoft" }: { href: string; label?: string }) {
  return (
    <a href={href} className={className}>
      <MicrosoftLogo />
      {label}
    </a>
  );
}
