import Link from "next/link";

export interface NavLink {
  href: string;
  label: string;
  /** a count shown beside the label (e.g. requests awaiting my review), with what it counts */
  badge?: { count: number; label: string };
}

export function Nav({
  links,
  userLabel,
  role,
  signOut,
}: {
  links: NavLink[];
  userLabel: string;
  role: string;
  signOut: () => Promise<void>;
}) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-7xl items-center gap-6 px-6 py-3">
        <Link href="/" className="font-semibold tracking-tight">
          Crawl · Walk · Run
        </Link>
        <nav className="flex gap-4 text-sm" aria-label="Main">
          {links.map((l) => (
            <Link key={l.href} href={l.href} className="text-slate-700 hover:text-slate-900">
              {l.label}
              {l.badge && l.badge.count > 0 && (
                <span
                  data-testid="nav-awaiting-count"
                  title={l.badge.label}
                  className="ml-1 rounded-full bg-amber-200 px-1.5 text-xs font-semibold text-amber-950"
                >
                  {l.badge.count}
                  <span className="sr-only"> {l.badge.label}</span>
                </span>
              )}
            </Link>
          ))}
        </nav>
        <div className="ml-auto flex items-center gap-3 text-sm">
          <span data-testid="current-user">
            {userLabel} <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">{role}</span>
          </span>
          <form action={signOut}>
            <button className="rounded border border-slate-300 px-2 py-1 text-xs">Sign out</button>
          </form>
        </div>
      </div>
    </header>
  );
}
