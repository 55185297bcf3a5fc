// The replay's shape as pages receive it, and its plain-words sentence. Pure: safe in client components.
import type { Tier } from "@/lib/gating/types";

export interface ReplayPoint {
  at: string;
  from: Tier;
  to: Tier;
  cause: string;
}

export interface ReplaySummary {
  outcomes: number;
  createdAt: string;
  now: string;
  proposed: { changes: ReplayPoint[]; tier: Tier; eligibleAt: string[] };
  actual: { changes: ReplayPoint[]; tier: Tier };
}

const day = (iso: string) => iso.slice(0, 10);

/** "Under this policy it would have been promoted on … and demoted on …, against … today." */
export function replaySentence(s: ReplaySummary): string {
  const ups = s.proposed.changes.filter((c) => c.cause === "promotion" || c.cause === "override");
  const downs = s.proposed.changes.filter((c) => c.cause.endsWith("demotion"));
  const parts: string[] = [];
  parts.push(
    ups.length ? `promoted on ${ups.map((c) => `${day(c.at)} (${c.from} → ${c.to})`).join(", ")}` : "never promoted",
  );
  if (downs.length) parts.push(`demoted on ${downs.map((c) => `${day(c.at)} (${c.from} → ${c.to})`).join(", ")}`);
  const same = s.proposed.tier === s.actual.tier;
  return `Over ${s.outcomes.toLocaleString("en-US")} recorded outcomes, under this policy it would have been ${parts.join(" and ")}, ending in ${s.proposed.tier} today, against ${s.actual.tier} in reality${same ? " (the same)" : ""}.`;
}
