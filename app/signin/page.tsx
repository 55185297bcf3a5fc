import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";
import { credentialsEnabled, oidcEnabled } from "@/lib/auth/auth";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "@/lib/auth/demo-accounts";
import { SignInForm } from "./SignInForm";
import { safeCallbackUrl } from "@/lib/auth/callback";
import { signInWithOidc } from "./actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const { callbackUrl: raw } = await searchParams;
  const callbackUrl = safeCallbackUrl(raw);
  if (await currentUser()) redirect(callbackUrl);
  const demo = credentialsEnabled() && !process.env.DATABASE_URL;
  return (
    <main className="mx-auto mt-16 max-w-md rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="text-2xl font-semibold">Crawl · Walk · Run</h1>
      <p className="mb-6 mt-1 text-sm text-slate-600">Sign in to review and govern agent autonomy.</p>
      {credentialsEnabled() && <SignInForm callbackUrl={callbackUrl} />}
      {oidcEnabled() && (
        <form action={signInWithOidc} className="mt-4">
          <input type="hidden" name="callbackUrl" value={callbackUrl} />
          <button className="w-full rounded border border-slate-300 px-3 py-2 font-medium">
            Sign in with single sign-on
          </button>
        </form>
      )}
      {demo && (
        <section className="mt-6 border-t border-slate-200 pt-4 text-sm">
          <h2 className="font-medium">Demo accounts</h2>
          <p className="text-slate-600">
            Password for all: <code className="rounded bg-slate-100 px-1">{DEMO_PASSWORD}</code>
          </p>
          <ul className="mt-2 space-y-1">
            {DEMO_ACCOUNTS.map((a) => (
              <li key={a.email} className="flex justify-between gap-2">
                <code>{a.email}</code>
                <span className="text-slate-500">{a.role}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
