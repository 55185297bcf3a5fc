"use client";
import { useState } from "react";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import { createUserAction } from "@/lib/admin/actions";
import { ROLES, type Role } from "@/lib/gating/permissions";
import { Field, inputClass } from "./fields";

const EMPTY = { email: "", name: "", role: "viewer" as Role, password: "" };

export function CreateUserForm() {
  const [form, setForm] = useState(EMPTY);
  const create = useServerAction(createUserAction, (u) => {
    setForm(EMPTY);
    return `User ${u.email} created as ${u.role}.`;
  });
  const set = (k: "email" | "name" | "password") => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm({ ...form, [k]: e.target.value });
  return (
    <form
      aria-label="Create user"
      onSubmit={(e) => {
        e.preventDefault();
        const { password, ...rest } = form;
        create.run(password ? { ...rest, password } : rest);
      }}
      className="space-y-3"
    >
      <div className="grid gap-3 sm:grid-cols-4">
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
        <Field label="Password (optional)" hint="at least 12 characters; leave empty for single sign-on only">
          <input
            type="password"
            value={form.password}
            onChange={set("password")}
            autoComplete="new-password"
            className={inputClass}
          />
        </Field>
      </div>
      <Button type="submit" disabled={create.pending}>
        {create.pending ? "Creating…" : "Create user"}
      </Button>
      <ResultMessage message={create.message} />
    </form>
  );
}
