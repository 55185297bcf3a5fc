"use client";
// Creates a key. The secret lives only in this component's state (no query cache, no refetch): once
// dismissed or the page is left, it is gone; the server keeps only its hash.
import { useState } from "react";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import { createApiKeyAction } from "@/lib/admin/actions";
import type { AgentOption } from "./KeysPanel";
import { SecretOnce } from "./SecretOnce";
import { Field, inputClass } from "./fields";

type Created = { id: string; name: string; prefix: string; scope: string; agentSlug: string; secret: string };

export function CreateKeyForm({ agents, fixedAgent }: { agents: AgentOption[]; fixedAgent?: AgentOption }) {
  const [agentId, setAgentId] = useState(fixedAgent?.id ?? "");
  const [name, setName] = useState("");
  const [scope, setScope] = useState<"agent" | "reporter">("agent");
  const [created, setCreated] = useState<Created | null>(null);
  const create = useServerAction(createApiKeyAction, (key) => {
    setCreated(key);
    setName("");
    return `Key ${key.prefix}… created for ${key.agentSlug}.`;
  });
  return (
    <div className="space-y-3">
      {created && (
        <SecretOnce
          secret={created.secret}
          label={`${created.agentSlug} / ${created.name}`}
          onDone={() => {
            setCreated(null);
            create.setMessage(null);
          }}
        />
      )}
      <form
        aria-label="Create API key"
        onSubmit={(e) => {
          e.preventDefault();
          setCreated(null);
          create.run({ agentId, name, scope });
        }}
        className="flex flex-wrap items-end gap-3"
      >
        {fixedAgent ? (
          <p className="pb-1.5 text-sm">
            For agent <span className="font-mono">{fixedAgent.slug}</span>
          </p>
        ) : (
          <Field label="Agent">
            <select value={agentId} onChange={(e) => setAgentId(e.target.value)} className={inputClass}>
              <option value="">Choose an agent…</option>
              {agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.slug}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field label="Key name">
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={100}
            placeholder="e.g. production"
            className={inputClass}
          />
        </Field>
        <Field label="Scope">
          <select
            value={scope}
            onChange={(e) => setScope(e.target.value as "agent" | "reporter")}
            className={inputClass}
          >
            <option value="agent">agent (reads tiers, decides, reports)</option>
            <option value="reporter">reporter (reports outcomes only)</option>
          </select>
        </Field>
        <Button type="submit" disabled={create.pending}>
          {create.pending ? "Creating…" : "Create key"}
        </Button>
      </form>
      <p className="text-xs text-slate-500">
        The key is scoped to its agent. An agent key reads that agent&apos;s tiers and reports its outcomes; a reporter
        key (held by the system that sees the outcome, e.g. a helpdesk) may only report its outcomes, and they count as
        attested evidence. Its secret is shown once.
      </p>
      <ResultMessage message={create.message} />
    </div>
  );
}
