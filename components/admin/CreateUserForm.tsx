"use client";
import { useState } from "react";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import { createUserAction } from "@/lib/admin/actions";
import { ROLES, type Role } from "@cwr/gating/permissions";
import { Field, inputClass } from "./fields";

const EMPTY = { email: "", name: "", role: "viewer" as Role };

export function CreateUserForm() {
  const [form, setForm] = useState(EMPTY);
  const [invitation, setInvitation] = useState<{ email: string; url: string } | null>(null);
  const create = useServerAction(createUserAction, (u) => {
    setForm(EMPTY);
    if (u.invitationUrl) setInvitation({ email: u.email, url: new URL(u.invitationUrl, window.location.origin).href });
    return `User ${u.email} created as ${u.role}${u.pendingRole ? ` (${u.pendingRole} once approved)` : ""}.`;
  });
  const set = (k: "email" | "name") => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm({ ...form, [k]: e.target.value });
  return (
    <form
      aria-label="Create user"
      onSubmit={(e) => {
        e.preventDefault();
        create.run(form);
      }}
      className="space-y-3"
    >
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label="Email">
          <input
            type="email"
            value={form.email}
            onChange={set("email")}
            required
            maxLength={200}
            className={inputClass}
          />
        </Field>
        <Field label="Name">
          <input value={form.name} onChange={set("name")} required maxLength={120} className={inputClass} />
        </Field>
        <Field label="Role">
          <select
            value={form.role}
            onChange={(e) => setForm({ ...form, role: e.target.value as Role })}
            className={inputClass}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Button type="submit" disabled={create.pending}>
        {create.pending ? "Creating…" : "Create user"}
      </Button>
      <ResultMessage message={create.message} />
      {invitation && (
        <section
          aria-label="Invitation link"
          data-testid="invitation-link"
          className="rounded-lg border-2 border-amber-500 bg-amber-50 p-4 text-sm text-amber-950"
        >
          <h3 className="font-semibold">Send this invitation link to {invitation.email} now — it is shown once</h3>
          <p className="mt-1">
            With it they set their own password (nobody else ever knows it). It works once, for 72 hours; only its hash
            is stored. Review power asked for the account is granted by another reviewer once they have accepted.
          </p>
          <code className="mt-2 block break-all rounded bg-white p-2">{invitation.url}</code>
          <Button type="button" onClick={() => setInvitation(null)}>
            Done
          </Button>
        </section>
      )}
    </form>
  );
}
