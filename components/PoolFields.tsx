"use client";
// A tier's reviewer pool in the policy editor (issue 25 item 4): who may approve promotions out of the
// tier. Nothing ticked: every reviewer may. Widening the pool is a loosening (it goes to review);
// narrowing it applies at once.
import { POOL_ROLES, type PolicyRules, type Tier } from "@cwr/gating/types";
import type { SetRules } from "@/components/PolicyFields";

export interface PoolCandidate {
  id: string;
  name: string;
  role: string;
}

export function PoolFields({
  rules,
  tier,
  set,
  readOnly,
  candidates,
}: {
  rules: PolicyRules;
  tier: Tier;
  set: SetRules;
  readOnly?: boolean;
  candidates: PoolCandidate[];
}) {
  const pool = rules.tiers[tier].promotion?.pool;
  const toggle = (kind: "users" | "roles", value: string, on: boolean) =>
    set((r) => {
      const bar = r.tiers[tier].promotion;
      if (!bar) return;
      const users = new Set(bar.pool?.users ?? []);
      const roles = new Set<string>(bar.pool?.roles ?? []);
      const target = kind === "users" ? users : roles;
      if (on) target.add(value);
      else target.delete(value);
      const next = {
        ...(users.size ? { users: [...users] } : {}),
        ...(roles.size ? { roles: POOL_ROLES.filter((x) => roles.has(x)) } : {}),
      };
      if (users.size + roles.size === 0) delete bar.pool;
      else bar.pool = next;
    });
  const legend = `Who may approve promotions out of ${tier}`;
  return (
    <fieldset className="col-span-2 mt-1 rounded border border-slate-200 p-2 text-xs" aria-label={legend}>
      <legend className="px-1 text-slate-600">{legend}</legend>
      <p className="mb-1 text-slate-600" data-testid={`pool-summary-${tier}`}>
        {pool ? "Only those ticked (widening needs review)." : "Every reviewer (tick to name a pool; applies at once)."}
      </p>
      <div className="flex flex-wrap gap-x-3 gap-y-1">
        {POOL_ROLES.map((role) => (
          <label key={role} className="flex items-center gap-1">
            <input
              type="checkbox"
              disabled={readOnly}
              checked={pool?.roles?.includes(role) ?? false}
              onChange={(e) => toggle("roles", role, e.target.checked)}
            />
            any {role}
          </label>
        ))}
        {candidates.map((c) => (
          <label key={c.id} className="flex items-center gap-1">
            <input
              type="checkbox"
              disabled={readOnly}
              checked={pool?.users?.includes(c.id) ?? false}
              onChange={(e) => toggle("users", c.id, e.target.checked)}
            />
            {c.name}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
