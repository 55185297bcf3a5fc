import type { Metadata } from "next";
import Link from "next/link";
import { currentUser } from "@/lib/auth/session";
import { PERMISSIONS, type Permission } from "@cwr/gating/permissions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Not allowed" };

const WHAT: Record<Permission, string> = {
  "dashboard:read": "read the dashboard",
  "request:open": "open promotion requests",
  "request:review": "review requests",
  "request:override": "open overrides",
  "request:manage": "withdraw or apply requests",
  "request:comment": "ask or answer on requests",
  "tier:demote": "demote and freeze",
  "policy:edit": "change policies",
  "audit:read": "read the audit log",
  "audit:export": "export the audit log",
  "suggestion:decide": "decide agents' suggestions",
  "admin:manage": "manage agents, keys, users and notifications",
};

/** Inside the dashboard frame, so the navigation is there; says which role the page needs. */
export default async function ForbiddenPage({ searchParams }: { searchParams: Promise<{ need?: string | string[] }> }) {
  const user = await currentUser();
  const need = (await searchParams).need;
  const permission =
    typeof need === "string" && Object.prototype.hasOwnProperty.call(PERMISSIONS, need) ? (need as Permission) : null;
  const roles = permission ? (PERMISSIONS[permission] as readonly string[]) : null;
  return (
    <section className="mx-auto mt-8 max-w-lg rounded-lg border border-slate-200 bg-white p-8">
      <h1 className="text-xl font-semibold">Not allowed</h1>
      {permission && roles ? (
        <p className="mt-2 text-slate-700" data-testid="forbidden-need">
          That page is for people who may {WHAT[permission]}: the role <strong>{roles.join(" or ")}</strong>. You are
          signed in as <strong>{user?.role ?? "nobody"}</strong>.
        </p>
      ) : (
        <p className="mt-2 text-slate-700">
          Your role{user ? ` (${user.role})` : ""} does not give access to that page.
        </p>
      )}
      <p className="mt-2 text-sm text-slate-600">
        If you need it, ask an admin to change your role in Admin → Users &amp; roles.
      </p>
      <Link href="/" className="mt-4 inline-block text-blue-800 underline">
        Back to the overview
      </Link>
    </section>
  );
}
