// The evidence fold's state (lib/gating/evidence-fold.ts) as stored on the action type: which columns,
// and the conversions both ways. Ingest, the sweep, the card, the charts and the overview all read
// the state through here.
import type { EvidenceState, GateLook } from "@cwr/gating/evidence-fold";
import { toSourceCounts } from "@cwr/gating/evidence-source";

/** Prisma select of the stored state. */
export const EVIDENCE_STATE_SELECT = {
  agentVersion: true,
  evidenceSince: true,
  evidenceSuccesses: true,
  evidenceTrials: true,
  evidenceRestarts: true,
  evidenceDays: true,
  stayDays: true,
  gateLook: true,
  cusum: true,
  rampSuccesses: true,
  rampTrials: true,
  rampSpent: true,
  evidenceSources: true,
} as const;

export interface EvidenceStateRow {
  agentVersion: string | null;
  evidenceSince: Date;
  evidenceSuccesses: number;
  evidenceTrials: number;
  evidenceRestarts: number;
  evidenceDays: unknown;
  stayDays: unknown;
  gateLook: unknown;
  cusum: number;
  rampSuccesses: number;
  rampTrials: number;
  rampSpent: number;
  evidenceSources: unknown;
}

/** Keeps only well-formed [successes, trials] days, so a hand-edited row cannot break a page. */
function dayMap(raw: unknown): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return out;
  for (const [day, v] of Object.entries(raw as Record<string, unknown>)) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !Array.isArray(v) || v.length !== 2) continue;
    const [s, n] = v as unknown[];
    if (Number.isInteger(s) && Number.isInteger(n) && (s as number) >= 0 && (s as number) <= (n as number))
      out[day] = [s as number, n as number];
  }
  return out;
}

function look(raw: unknown): GateLook | null {
  if (!raw || typeof raw !== "object") return null;
  const l = raw as Partial<GateLook>;
  if (
    typeof l.cleared !== "boolean" ||
    typeof l.trials !== "number" ||
    typeof l.successes !== "number" ||
    typeof l.statistic !== "number"
  )
    return null;
  return {
    policyVersion: Number(l.policyVersion ?? 0),
    restarts: Number(l.restarts ?? 0),
    successes: l.successes,
    trials: l.trials,
    cleared: l.cleared,
    statistic: l.statistic,
  };
}

/** Just the detector's per-day counts, for a read that needs nothing else. */
export function toDayMaps(stayDays: unknown) {
  return { stayDays: dayMap(stayDays) };
}

export function toEvidenceState(row: EvidenceStateRow): EvidenceState {
  const days = dayMap(row.evidenceDays);
  // A row from before the per-day counts (issue 11) holds counts the days do not: they are dated at
  // the evidence start, so the window, the chart and the gate still read one and the same evidence.
  let s = 0;
  let n = 0;
  for (const [ds, dn] of Object.values(days)) {
    s += ds;
    n += dn;
  }
  const missingS = row.evidenceSuccesses - s;
  const missingN = row.evidenceTrials - n;
  if (missingN > 0 && missingS >= 0 && missingS <= missingN) {
    const start = row.evidenceSince.toISOString().slice(0, 10);
    const [as, an] = days[start] ?? [0, 0];
    days[start] = [as + missingS, an + missingN];
  }
  return {
    agentVersion: row.agentVersion,
    evidenceSince: row.evidenceSince.getTime(),
    successes: row.evidenceSuccesses,
    trials: row.evidenceTrials,
    restarts: row.evidenceRestarts,
    cusum: row.cusum,
    days,
    stayDays: dayMap(row.stayDays),
    look: look(row.gateLook),
    step: { successes: row.rampSuccesses, trials: row.rampTrials, spent: row.rampSpent },
    sources: toSourceCounts(row.evidenceSources),
  };
}
