import { Nav, type NavLink } from "@/components/Nav";
import { requirePageUser } from "@/lib/auth/session";
import { can } from "@cwr/gating/permissions";
import { signOut } from "@/lib/auth/auth";
import { Providers } from "@/app/providers";
import { getDb } from "@/lib/db";
import { awaitingYou } from "@/lib/requests/awaiting";
import { countWaitingSuggestions } from "@/lib/proposals/data";

export const dynamic = "force-dynamic";

async function signOutAction() {
  "use server";
  await signOut({ redirectTo: "/signin" });
}

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await requirePageUser();
  // Times in words on this page count from here (components/ServerClock.tsx).
  const renderedAt = new Date();
  const db = await getDb();
  // Everything awaiting this reviewer, counted as the requests page's tab counts it.
  const awaiting = (await awaitingYou(db, user)).total;
  const links: NavLink[] = [
    { href: "/", label: "Overview" },
    awaiting > 0
      ? {
          href: "/requests?status=awaiting",
          label: "Requests",
          badge: { count: awaiting, label: `awaiting your review` },
        }
      : { href: "/requests", label: "Requests" },
  ];
  if (can(user.role, "suggestion:decide")) {
    const waiting = await countWaitingSuggestions(await getDb());
    links.push({
      href: "/suggestions",
      label: "Suggestions",
      ...(waiting > 0 ? { badge: { count: waiting, label: "waiting for a decision" } } : {}),
    });
  }
  if (can(user.role, "audit:read")) links.push({ href: "/audit", label: "Audit log" });
  if (can(user.role, "admin:manage")) links.push({ href: "/admin", label: "Admin" });
  return (
    <>
      <Nav links={links} userLabel={user.name} role={user.role} signOut={signOutAction} />
      <main className="mx-auto max-w-7xl px-6 py-6">
        <Providers serverNow={renderedAt.getTime()}>{children}</Providers>
      </main>
    </>
  );
}
