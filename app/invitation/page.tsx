import type { Metadata } from "next";
import { AcceptInvitationForm } from "./AcceptInvitationForm";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Accept your invitation" };

/** Public: the link's token (in the fragment, never sent to the server with the page) is the credential. */
export default function InvitationPage() {
  return (
    <main className="mx-auto mt-16 max-w-md rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="text-2xl font-semibold">Accept your invitation</h1>
      <p className="mb-6 mt-1 text-sm text-slate-600">
        Choose your own password. Nobody else knows it, admins included. The link works once and for 72 hours.
      </p>
      <AcceptInvitationForm />
    </main>
  );
}
