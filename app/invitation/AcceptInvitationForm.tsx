"use client";
import { useState, useSyncExternalStore, useTransition } from "react";
import { acceptInvitationAction } from "./actions";

export function AcceptInvitationForm() {
  // The token rides in the fragment, which the browser never sends: read it here (null while rendering on the server).
  const token = useSyncExternalStore(
    onHashChange,
    () => window.location.hash.slice(1),
    () => null,
  );
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  if (token === null) return null;
  if (!token) return <p className="text-sm text-red-800">This page needs the invitation link an admin gave you.</p>;
  if (message?.ok)
    return (
      <p role="status" className="text-sm text-emerald-800">
        {message.text}{" "}
        <a href="/signin" className="underline">
          Sign in
        </a>
      </p>
    );
  return (
    <form
      aria-label="Accept invitation"
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        if (password !== again) return setMessage({ ok: false, text: "The two passwords differ." });
        start(async () => {
          const r = await acceptInvitationAction({ token, password });
          setMessage(
            r.ok
              ? { ok: true, text: `Your password is set for ${r.data.email}.` }
              : { ok: false, text: r.error.message },
          );
        });
      }}
    >
      <label className="block text-sm font-medium">
        New password
        <input
          type="password"
          autoComplete="new-password"
          minLength={12}
          maxLength={200}
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          className="mt-1 w-full rounded border border-slate-300 px-3 py-2"
        />
      </label>
      <label className="block text-sm font-medium">
        Repeat it
        <input
          type="password"
          autoComplete="new-password"
          required
          value={again}
          onChange={(e) => setAgain(e.target.value)}
          className="mt-1 w-full rounded border border-slate-300 px-3 py-2"
        />
      </label>
      <button disabled={pending} className="w-full rounded bg-slate-900 px-3 py-2 font-medium text-white">
        {pending ? "Setting…" : "Set my password"}
      </button>
      {message && (
        <p role="alert" className="text-sm text-red-800">
          {message.text}
        </p>
      )}
    </form>
  );
}

function onHashChange(notify: () => void) {
  window.addEventListener("hashchange", notify);
  return () => window.removeEventListener("hashchange", notify);
}
