"use client";
import { useState } from "react";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import { createAgentAction } from "@/lib/admin/actions";
import { Field, inputClass } from "./fields";

const EMPTY = { slug: "", name: "", owner: "", description: "" };

export function CreateAgentForm() {
  const [form, setForm] = useState(EMPTY);
  const create = useServerAction(createAgentAction, (data) => {
    setForm(EMPTY);
    return `Agent ${data.slug} created. Open it to add action types, then create an API key for it.`;
  });
  const set = (k: keyof typeof EMPTY) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    setForm({ ...form, [k]: e.target.value });
  return (
    <form
      aria-label="Create agent"
      onSubmit={(e) => {
        e.preventDefault();
        create.run(form);
      }}
      className="space-y-3"
    >
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label="Slug" hint="lowercase letters, digits, dashes; e.g. support-bot">
          <input
            value={form.slug}
            onChange={set("slug")}
            required
            maxLength={63}
            className={`${inputClass} font-mono`}
          />
        </Field>
        <Field label="Name">
          <input value={form.name} onChange={set("name")} required maxLength={120} className={inputClass} />
        </Field>
        <Field label="Owner" hint="the team or person answerable for it">
          <input value={form.owner} onChange={set("owner")} required maxLength={120} className={inputClass} />
        </Field>
      </div>
      <Field label="Description (optional)">
        <textarea
          value={form.description}
          onChange={set("description")}
          rows={2}
          maxLength={2000}
          className={inputClass}
        />
      </Field>
      <Button type="submit" disabled={create.pending}>
        {create.pending ? "Creating…" : "Create agent"}
      </Button>
      <ResultMessage message={create.message} />
    </form>
  );
}
