// The action type page's read model: live evidence, chart series, tier timeline, policy history
// with differences, and its requests.
import { internalAudienceInWords } from "@cwr/gating/contract";
import type { Db } from "@/lib/db";
import { classifyPolicyChange } from "@cwr/gating";
import { liveEvidence } from "@/lib/metrics/data";
import type { LiveEvidence } from "@/lib/metrics/evidence";
import { dailySeries } from "@/lib/metrics/data";
import { buildSeries, lastDays, type SeriesPoint } from "@/lib/metrics/series";
import { policyHistory } from "@/lib/policies/data";
import { EVIDENCE_STATE_SELECT, toEvidenceState } from "@/lib/metrics/evidence-state";
import { listRequests, NOBODY, type RequestSummary } from "@/lib/requests/data";
import type { Role, Tier } from "@cwr/gating/types";
import { barsByDay } from "@cwr/gating/tier-history";
import { demotionCause } from "@cwr/gating/demotion-words";
import { gateOf } from "@cwr/gating/gates";
import { attestedInWords, reportersByName, sourcesInWords } from "@cwr/gating/evidence-source";

export const CHART_DAYS = 60;
const ROLLING_DAYS = 7;

export interface TimelineEntry {
  id: string;
  at: string;
  day: string;
  from: string;
  to: string;
  frozen: boolean;
  cause: string;
  actor: string;
  rationale: string;
  /** an automatic demotion's cause in words, and the detector's numbers behind it (null otherwise) */
  summary: string | null;
  details: string | null;
  requestId: string | null;
}

export interface ActionTypeDetail {
  id: string;
  key: string;
  name: string;
  description: string;
  agent: { slug: string; name: string };
  /** WALK's internal audience in words: self-declared, or the agent's contract */
  internalAudience: string;
  blastRadius: string;
  reversible: boolean;
  live: LiveEvidence;
  /** the stay's outcomes per source in words; `attested` says when only attested ones promote */
  evidenceBySource: { words: string; attested: string | null };
  series: SeriesPoint[];
  rollingDays: number;
  timeline: TimelineEntry[];
  policies: Array<{
    version: number;
    createdAt: string;
    createdBy: string | null;
    reason: string;
    verdict: string;
    changes: Array<{ path: string; from: unknown; to: unknown; direction: string }>;
  }>;
  requests: RequestSummary[];
}

/** `reader`: whose view of the requests' review counts (blind until they review; nobody's when absent). */
export async function actionTypeDetail(
  db: Db,
  id: string,
  now = new Date(),
  reader: { id: string; role: Role } = NOBODY,
): Promise<ActionTypeDetail | null> {
  const at = await db.actionType.findUnique({
    where: { id },
    select: {
      id: true,
      key: true,
      name: true,
      description: true,
      blastRadius: true,
      reversible: true,
      agent: {
        select: {
          id: true,
          slug: true,
          name: true,
          contractSince: true,
          contractEntries: { select: { entry: true }, orderBy: { entry: "asc" } },
        },
      },
    },
  });
  if (!at) return null;
  const live = await liveEvidence(db, id, now);
  const points = await dailySeries(db, id, CHART_DAYS, now);
  const promotion = live.policy.rules.tiers[live.actionType.tier].promotion;
  const stored = await db.actionType.findUniqueOrThrow({ where: { id }, select: EVIDENCE_STATE_SELECT });
  // The e-value line is the e-process's; under wilson/raw there is no such statistic to plot.
  const bar = gateOf(live.policy.rules.gate).plotsEValue ? (promotion?.threshold ?? null) : null;
  const changes = await db.tierChange.findMany({
    where: { actionTypeId: id },
    orderBy: { createdAt: "desc" },
    take: 100,
    select: {
      id: true,
      createdAt: true,
      fromTier: true,
      toTier: true,
      frozen: true,
      cause: true,
      rationale: true,
      requestId: true,
      actorSystem: true,
      actor: { select: { name: true } },
    },
  });
  const history = await policyHistory(db, id);
  const chartDays = lastDays(now, CHART_DAYS);
  const series = buildSeries({
    points,
    days: chartDays,
    rollingDays: ROLLING_DAYS,
    evidence: toEvidenceState(stored),
    promotionThreshold: bar,
    // Each day against the bars of the tier it held then (the tier changes are the tier history).
    bars: barsByDay(
      chartDays,
      live.actionType.tier,
      changes.map((c) => ({ at: c.createdAt.getTime(), from: c.fromTier as Tier, to: c.toTier as Tier })),
      history.map((p) => ({ at: Date.parse(p.createdAt), rules: p.rules })),
    ),
  });
  const evidence = toEvidenceState(stored);
  // The agent's live reporter keys are named even before they report; revoked ones while they have counts.
  const reporterKeys = await db.apiKey.findMany({
    where: {
      scope: "reporter",
      OR: [{ agentId: at.agent.id, revokedAt: null }, { id: { in: Object.keys(evidence.sources.reporters) } }],
    },
    select: { id: true, name: true },
    orderBy: { createdAt: "asc" },
  });
  const tier = live.actionType.tier;
  return {
    id: at.id,
    key: at.key,
    name: at.name,
    description: at.description,
    agent: { slug: at.agent.slug, name: at.agent.name },
    internalAudience: internalAudienceInWords(
      at.agent.contractSince ? at.agent.contractEntries.map((e) => e.entry) : null,
    ),
    blastRadius: at.blastRadius,
    reversible: at.reversible,
    live,
    evidenceBySource: {
      words: sourcesInWords(
        reportersByName(evidence.sources, reporterKeys),
        Object.fromEntries(reporterKeys.map((k) => [k.name, k.name])),
      ),
      attested: attestedInWords(live.policy.rules.tiers[tier].evidence, tier, [
        ...new Set(reporterKeys.map((k) => k.name)),
      ]),
    },
    series,
    rollingDays: ROLLING_DAYS,
    timeline: changes.map((c) => ({
      id: c.id,
      at: c.createdAt.toISOString(),
      day: c.createdAt.toISOString().slice(0, 10),
      from: c.fromTier,
      to: c.toTier,
      frozen: c.frozen,
      cause: c.cause,
      actor: c.actor?.name ?? `system (${(c.actorSystem as { metric?: string } | null)?.metric ?? "detector"})`,
      rationale: c.rationale,
      ...(() => {
        const words = c.cause === "automatic_demotion" ? demotionCause(c.actorSystem) : null;
        return { summary: words?.summary ?? null, details: words?.details ?? null };
      })(),
      requestId: c.requestId,
    })),
    policies: history.map((p, i) => {
      const previous = history[i + 1];
      const diff = previous ? classifyPolicyChange(previous.rules, p.rules) : null;
      return {
        version: p.version,
        createdAt: p.createdAt,
        createdBy: p.createdBy,
        reason: p.reason,
        verdict: diff?.verdict ?? "initial",
        changes: diff?.changes ?? [],
      };
    }),
    requests: await listRequests(db, reader, { actionTypeId: id, take: 50 }),
  };
}
