"use client";
// Adds a webhook endpoint. The signing secret lives only in this component's state: shown once.
import { useState } from "react";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import { createWebhookEndpointAction } from "@/lib/admin/actions";
import type { NotificationKind } from "@/lib/notifications/kinds";
import { SecretOnce } from "./SecretOnce";
import { Field, inputClass } from "./fields";

type Created = { id: string; name: string; secret: string };

const DEFAULT_KINDS: readonly NotificationKind[] = ["request.opened", "request.decided", "tier.demoted"];

export function CreateEndpointForm({ kinds }: { kinds: Array<[NotificationKind, string]> }) {
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [format, setFormat] = useState<"standard" | "slack">("standard");
  const [chosen, setChosen] = useState<Set<NotificationKind>>(new Set(DEFAULT_KINDS));
  const [created, setCreated] = useState<Created | null>(null);
  const create = useServerAction(createWebhookEndpointAction, (e) => {
    setCreated(e);
    // The next endpoint starts from the defaults: nothing of this one (its format above all) carries over.
    setName("");
    setUrl("");
    setFormat("standard");
    setChosen(new Set(DEFAULT_KINDS));
    return `Endpoint ${e.name} added. Changes of the chosen kinds are sent to it from now on.`;
  });
  const flip = (k: NotificationKind) =>
    setChosen((s) => {
      const next = new Set(s);
      if (next.has(k)) next.delete(k);
      else next.add(k);
      return next;
    });
  return (
    <div className="space-y-3">
      {created && (
        <SecretOnce
          noun="signing secret"
          secret={created.secret}
          label={created.name}
          onDone={() => {
            setCreated(null);
            create.setMessage(null);
          }}
        />
      )}
      <form
        aria-label="Add webhook endpoint"
        onSubmit={(e) => {
          e.preventDefault();
          setCreated(null);
          create.run({ name, url, format, kinds: kinds.map(([k]) => k).filter((k) => chosen.has(k)) });
        }}
        className="space-y-3"
      >
        <div className="flex flex-wrap items-end gap-3">
          <Field label="Name">
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              required
              maxLength={120}
              placeholder="e.g. #agent-governance"
              className={inputClass}
            />
          </Field>
          <Field label="Address (URL)" className="min-w-80 flex-1">
            <input
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              required
              type="url"
              placeholder="https://hooks.slack.com/services/…"
              className={inputClass}
            />
          </Field>
          <Field label="Format">
            <select
              value={format}
              onChange={(e) => setFormat(e.target.value === "slack" ? "slack" : "standard")}
              className={inputClass}
            >
              <option value="standard">JSON (Standard Webhooks)</option>
              <option value="slack">Slack-compatible message</option>
            </select>
          </Field>
        </div>
        <fieldset>
          <legend className="text-xs font-medium text-slate-600">Send these events</legend>
          <div className="mt-1 grid grid-cols-1 gap-1 sm:grid-cols-2 lg:grid-cols-3">
            {kinds.map(([k, label]) => (
              <label key={k} className="flex items-center gap-2 text-sm">
                <input type="checkbox" checked={chosen.has(k)} onChange={() => flip(k)} />
                <span>
                  {label} <span className="font-mono text-xs text-slate-500">{k}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <Button type="submit" disabled={create.pending || chosen.size === 0}>
          {create.pending ? "Adding…" : "Add endpoint"}
        </Button>
        {chosen.size === 0 && <p className="text-xs text-red-800">Pick at least one event kind.</p>}
      </form>
      <ResultMessage message={create.message} />
    </div>
  );
}
