// The replay's shape as pages receive it, and its plain-words sentence: the proposed policy against the
// current one, both folded the same way over the same outcomes. Pure: safe in client components.
import { DAY_MS, type Tier } from "@cwr/gating/types";

/** What every replay assumes (people are not modelled): the `when_eligible` fold of lib/gating/replay.ts. */
export const REPLAY_ASSUMPTION = "a promotion is taken as soon as it is eligible";

export interface ReplayPoint {
  at: string;
  from: Tier;
  to: Tier;
  cause: string;
}

export interface ReplayRunSummary {
  changes: ReplayPoint[];
  tier: Tier;
  eligibleAt: string[];
}

export interface ReplaySummary {
  outcomes: number;
  /** outcomes received before this were archived (the retention setting); null: every outcome is here */
  outcomesFrom?: string | null;
  createdAt: string;
  now: string;
  proposed: ReplayRunSummary;
  /** the current policy, folded the same way over the same outcomes */
  current: ReplayRunSummary & { version: number };
}

const day = (iso: string) => iso.slice(0, 10);

function story(r: ReplayRunSummary): string {
  const ups = r.changes.filter((c) => c.cause === "promotion" || c.cause === "override");
  const downs = r.changes.filter((c) => c.cause.endsWith("demotion"));
  const parts = [
    ups.length ? `promoted on ${ups.map((c) => `${day(c.at)} (${c.from} → ${c.to})`).join(", ")}` : "never promoted",
  ];
  if (downs.length) parts.push(`demoted on ${downs.map((c) => `${day(c.at)} (${c.from} → ${c.to})`).join(", ")}`);
  return `${parts.join(" and ")}, ending in ${r.tier} today`;
}

const firstReach = (r: ReplayRunSummary, tier: Tier) => r.changes.find((c) => c.to === tier && c.from !== "RUN")?.at;

/** Per tier above CRAWL: when each policy first reaches it, and by how many days the proposed one differs. */
export function replayComparison(s: ReplaySummary) {
  return (["WALK", "RUN"] as const).map((tier) => {
    const proposed = firstReach(s.proposed, tier) ?? null;
    const current = firstReach(s.current, tier) ?? null;
    const days = proposed && current ? Math.round((Date.parse(current) - Date.parse(proposed)) / DAY_MS) : null;
    return { tier, proposed, current, sooner: days };
  });
}

function difference(c: ReturnType<typeof replayComparison>[number]): string | null {
  if (c.proposed === c.current) return null;
  if (!c.proposed) return `${c.tier} never (the current policy reaches it on ${day(c.current!)})`;
  if (!c.current) return `${c.tier} on ${day(c.proposed)}, which the current policy never reaches`;
  if (c.sooner === 0) return null;
  const n = Math.abs(c.sooner!);
  return `${c.tier} ${n} day${n === 1 ? "" : "s"} ${c.sooner! > 0 ? "sooner" : "later"} (${day(c.proposed)} instead of ${day(c.current)})`;
}

/** "Under the proposed policy … ; under the current policy, folded the same way, … . Against it: RUN 5 days sooner." */
export function replaySentence(s: ReplaySummary): string {
  const diffs = replayComparison(s)
    .map(difference)
    .filter((d): d is string => d !== null);
  const verdict =
    diffs.length === 0 && s.proposed.tier === s.current.tier
      ? "The same as the current policy."
      : diffs.length === 0
        ? `It ends in ${s.proposed.tier} where the current policy ends in ${s.current.tier}.`
        : `Against the current policy: ${diffs.join("; ")}.`;
  const from = s.outcomesFrom ? ` (outcomes from ${day(s.outcomesFrom)} on; earlier ones archived)` : "";
  return (
    `Over ${s.outcomes.toLocaleString("en-US")} recorded outcomes${from}, assuming ${REPLAY_ASSUMPTION} under both policies: ` +
    `the proposed policy would have been ${story(s.proposed)}; the current policy v${s.current.version}, folded the same way, ` +
    `would have been ${story(s.current)}. ${verdict}`
  );
}
