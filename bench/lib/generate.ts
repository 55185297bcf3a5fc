// The overview benchmark's world, made fast with set-based SQL: AGENTS agents × TYPES action types
// and EVENTS outcome events over DAYS days, written the way ingest would have left them.
//
// What ingest leaves behind for an event (lib/events/mutations.ts) is: the raw row in outcome_events,
// +1 on the (action type, tier, UTC day) row of metric_rollups (successes / failures by outcomeOf),
// and the action type's evidence counters. Inserting 10,000,000 raw rows one batch at a time would
// take hours on this machine and is not what the overview reads (it reads rollups, never raw
// events), so:
//   • days 0 … DAYS-2: only the rollup rows are generated (generate_series over action types × days,
//     counts split so that they add up to exactly EVENTS), as if those events had been ingested and
//     their raw rows kept elsewhere;
//   • the last day (yesterday, UTC): the raw events themselves are generated (~EVENTS/DAYS rows), and
//     that day's rollups are computed from them with the same classification as outcomeOf — so the
//     raw slice and its rollups agree exactly (checked by verifyRawSlice);
//   • agents, action types (with the tier history each one lived through), policy v1 per action type
//     (defaultPolicy of its blast radius), one tier_changes row per promotion / automatic demotion /
//     freeze, and the evidence counters (successes and trials in the current tier since tierSince,
//     from the rollups) are set-based SQL too; CUSUM statistics are left at 0;
//   • the audit log gets one hash-chained entry ("bench.generated") through appendAudit, not one per
//     batch as ingest would write (10,000 entries whose chain must be computed one by one);
//   • no review requests are generated (open requests in the overview are the demo's).
import type { Database } from "@/lib/db/client";
import { appendAudit, SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { defaultPolicy, outcomeOf, BLAST_RADII, DAY_MS, type EventKind, type Tier } from "@cwr/gating";

const NOUNS = ["invoice", "ticket", "deploy", "lead", "report"];
const VERBS = ["draft", "send", "approve", "close"];

export interface GenerateOptions {
  agents?: number;
  typesPerAgent?: number;
  events?: number;
  days?: number;
  now?: Date;
  log?: (m: string) => void;
}

export interface GenerateResult {
  agents: number;
  actionTypes: number;
  /** events represented (sum of successes + failures over the generated rollups) */
  events: number;
  rawEvents: number;
  rollupRows: number;
  tierChanges: number;
  ms: number;
  steps: Record<string, number>;
}

/** Deterministic uniform numbers in [0, 1) from an integer and a salt. */
function u(i: number, salt: number): number {
  let t = (Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(salt + 7, 0x85ebca6b)) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

interface PlanRow {
  idx: number;
  agent_slug: string;
  key: string;
  name: string;
  blast: string;
  reversible: boolean;
  /** day (0-based) entering WALK, RUN, and back to WALK by automatic demotion; null = never */
  d1: number | null;
  d2: number | null;
  d3: number | null;
  frozen_day: number | null;
  tier: Tier;
  since_day: number;
  n_events: number;
  q_crawl: number;
  q_walk: number;
  q_run: number;
}

interface Change {
  idx: number;
  from_tier: Tier;
  to_tier: Tier;
  frozen: boolean;
  cause: "promotion" | "automatic_demotion" | "freeze";
  day: number;
}

function plan(agents: number, types: number, events: number, days: number) {
  const rows: PlanRow[] = [];
  const changes: Change[] = [];
  const weights: number[] = [];
  for (let a = 0; a < agents; a++) {
    for (let t = 0; t < types; t++) {
      const i = a * types + t;
      weights.push(0.25 + 1.5 * u(i, 1));
      const r = u(i, 2);
      let d1: number | null = null;
      let d2: number | null = null;
      let d3: number | null = null;
      if (r >= 0.4) d1 = 1 + Math.floor((days - 10) * (0.1 + 0.5 * u(i, 3)));
      if (r >= 0.7) d2 = d1! + 1 + Math.floor((days - 4 - d1!) * (0.3 + 0.4 * u(i, 4)));
      if (r >= 0.92) d3 = d2! + 1 + Math.floor((days - 3 - d2!) * (0.3 + 0.6 * u(i, 5)));
      const tier: Tier = d3 !== null ? "WALK" : d2 !== null ? "RUN" : d1 !== null ? "WALK" : "CRAWL";
      const frozenDay = u(i, 6) < 0.02 ? days - 5 : null;
      const noun = NOUNS[t % NOUNS.length]!;
      const verb = VERBS[Math.floor(t / NOUNS.length) % VERBS.length]!;
      const key = types <= NOUNS.length * VERBS.length ? `${noun}.${verb}` : `${noun}.${verb}.${t}`;
      rows.push({
        idx: i,
        agent_slug: `bench-agent-${String(a).padStart(3, "0")}`,
        key,
        name: `${verb[0]!.toUpperCase()}${verb.slice(1)} ${noun}`,
        blast: BLAST_RADII[t % 4]!,
        reversible: t % 3 !== 0,
        d1,
        d2,
        d3,
        frozen_day: frozenDay,
        tier,
        since_day: Math.max(d1 ?? 0, d2 ?? 0, d3 ?? 0),
        n_events: 0,
        q_crawl: 0.86 + 0.12 * u(i, 7),
        // above every default demotion bar, so the background demotion sweep leaves them alone
        q_walk: 0.94 + 0.05 * u(i, 8),
        // an action type that was demoted ran worse at RUN
        q_run: d3 !== null ? 0.6 + 0.1 * u(i, 9) : 0.965 + 0.03 * u(i, 9),
      });
      if (d1 !== null)
        changes.push({ idx: i, from_tier: "CRAWL", to_tier: "WALK", frozen: false, cause: "promotion", day: d1 });
      if (d2 !== null)
        changes.push({ idx: i, from_tier: "WALK", to_tier: "RUN", frozen: false, cause: "promotion", day: d2 });
      if (d3 !== null)
        changes.push({
          idx: i,
          from_tier: "RUN",
          to_tier: "WALK",
          frozen: false,
          cause: "automatic_demotion",
          day: d3,
        });
      if (frozenDay !== null)
        changes.push({ idx: i, from_tier: tier, to_tier: tier, frozen: true, cause: "freeze", day: frozenDay });
    }
  }
  // Split EVENTS over the action types in proportion to their weights, exactly (largest remainder).
  const total = weights.reduce((x, y) => x + y, 0);
  const exact = weights.map((w) => (w / total) * events);
  rows.forEach((r, i) => (r.n_events = Math.floor(exact[i]!)));
  let left = events - rows.reduce((n, r) => n + r.n_events, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((p, q) => q[0] - p[0]);
  for (let k = 0; left > 0; k++, left--) rows[order[k % order.length]![1]]!.n_events++;
  return { rows, changes };
}

// SQL mirrors of the product's rules, used only inside the generator's statements.
const TIER_ON = (day: string) =>
  `(CASE WHEN p.d3 IS NOT NULL AND ${day} >= p.d3 THEN 'WALK' WHEN p.d2 IS NOT NULL AND ${day} >= p.d2 THEN 'RUN' WHEN p.d1 IS NOT NULL AND ${day} >= p.d1 THEN 'WALK' ELSE 'CRAWL' END)`;
const QUALITY = (tier: string) =>
  `(CASE ${tier} WHEN 'CRAWL' THEN p.q_crawl WHEN 'WALK' THEN p.q_walk ELSE p.q_run END)`;
/** events of action type p on day d: an even split of n_events over the days that sums exactly */
const N_ON = (day: string, days: number) =>
  `(floor((${day} + 1)::numeric * p.n_events / ${days}) - floor(${day}::numeric * p.n_events / ${days}))::int`;
/** successes of n events at quality q, with a little deterministic day-to-day noise */
const SUCC = (n: string, q: string, day: string) =>
  `LEAST(${n}, round(${n} * LEAST(1.0, ${q} + ((((${day} * 7919 + p.idx * 104729) % 1000) / 1000.0) - 0.5) * 0.04)))::int`;

export async function generate(database: Database, options: GenerateOptions = {}): Promise<GenerateResult> {
  const agents = options.agents ?? 100;
  const types = options.typesPerAgent ?? 20;
  const events = options.events ?? 10_000_000;
  const days = options.days ?? 90;
  const now = options.now ?? new Date();
  const log = options.log ?? (() => {});
  const startDay = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - days * DAY_MS); // day `days-1` is yesterday (UTC)
  const started = performance.now();
  const steps: Record<string, number> = {};
  const { rows, changes } = plan(agents, types, events, days);
  const rules = Object.fromEntries(BLAST_RADII.map((b) => [b, defaultPolicy(b)]));
  const prisma = database.prisma;
  if ((await prisma.agent.count({ where: { slug: { startsWith: "bench-agent-" } } })) > 0)
    throw new Error("bench agents already exist in this database");

  const result = await prisma.$transaction(
    async (tx) => {
      let t = performance.now();
      const step = (name: string) => {
        const n = performance.now();
        steps[name] = Math.round(n - t);
        log(`  generate: ${name} ${Math.round(n - t)} ms`);
        t = n;
      };
      const run = (sql: string, ...params: unknown[]) => tx.$executeRawUnsafe(sql, ...params);
      const START = `'${startDay.toISOString()}'::timestamptz`;
      const dayTs = (d: string) => `(${START} + (${d}) * interval '1 day')`;

      await run(
        `CREATE TEMP TABLE bench_plan ON COMMIT DROP AS
        SELECT x.*, NULL::uuid AS id, NULL::uuid AS agent_id FROM jsonb_to_recordset($1::jsonb) AS x(
          idx int, agent_slug text, key text, name text, blast text, reversible boolean, d1 int, d2 int, d3 int, frozen_day int,
          tier text, since_day int, n_events bigint, q_crawl float8, q_walk float8, q_run float8)`,
        JSON.stringify(rows),
      );
      await run(
        `CREATE TEMP TABLE bench_changes ON COMMIT DROP AS
        SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(idx int, from_tier text, to_tier text, frozen boolean, cause text, day int)`,
        JSON.stringify(changes),
      );
      step("plan");

      await run(`INSERT INTO agents (id, slug, name, owner, description, "createdAt")
        SELECT gen_random_uuid(), s, 'Bench agent ' || substr(s, 13), 'Benchmark', 'Generated by bench/lib/generate.ts', ${START}
        FROM (SELECT DISTINCT agent_slug AS s FROM bench_plan) q`);
      await run(
        `UPDATE bench_plan p SET agent_id = g.id, id = gen_random_uuid() FROM agents g WHERE g.slug = p.agent_slug`,
      );
      await run(`INSERT INTO action_types (id, "agentId", key, name, description, "blastRadius", reversible, tier, "tierSince", frozen, "frozenSince",
          "agentVersion", "evidenceSince", "evidenceSuccesses", "evidenceTrials", cusum, "stateVersion", "createdAt")
        SELECT p.id, p.agent_id, p.key, p.name, '', p.blast::"BlastRadius", p.reversible, p.tier::"Tier", ${dayTs("p.since_day")},
          p.frozen_day IS NOT NULL, CASE WHEN p.frozen_day IS NOT NULL THEN ${dayTs("p.frozen_day")} END,
          '2026.10', ${dayTs("p.since_day")}, 0, 0, 0,
          (p.d1 IS NOT NULL)::int + (p.d2 IS NOT NULL)::int + (p.d3 IS NOT NULL)::int + (p.frozen_day IS NOT NULL)::int, ${START}
        FROM bench_plan p`);
      await run(
        `INSERT INTO policies (id, "actionTypeId", version, rules, reason, "createdAt")
        SELECT gen_random_uuid(), p.id, 1, ($1::jsonb) -> p.blast, 'default for blast radius ' || p.blast, ${START} FROM bench_plan p`,
        JSON.stringify(rules),
      );
      await run(`INSERT INTO tier_changes (id, "actionTypeId", "fromTier", "toTier", frozen, cause, "actorSystem", rationale, "createdAt")
        SELECT gen_random_uuid(), p.id, c.from_tier::"Tier", c.to_tier::"Tier", c.frozen, c.cause::"TierChangeCause",
          CASE WHEN c.cause = 'automatic_demotion' THEN jsonb_build_object('statistic', 'cusum', 'generated', true) END,
          CASE c.cause WHEN 'promotion' THEN 'Generated promotion (benchmark data).' WHEN 'freeze' THEN 'Generated freeze (benchmark data).' ELSE 'Failure rate above the demotion bar (generated).' END,
          ${dayTs("c.day")}
        FROM bench_changes c JOIN bench_plan p ON p.idx = c.idx`);
      step("agents, action types, policies, tier changes");

      // Rollups of every day but the last: counts only.
      const rollupRows =
        await run(`INSERT INTO metric_rollups ("actionTypeId", tier, day, successes, failures, incidents)
        SELECT p.id, q.tier::"Tier", (${dayTs("q.d")})::date, q.s, q.n - q.s, 0
        FROM bench_plan p
        CROSS JOIN LATERAL generate_series(0, ${days - 2}) AS g(d)
        CROSS JOIN LATERAL (SELECT g.d AS d, ${TIER_ON("g.d")} AS tier, ${N_ON("g.d", days)} AS n) q0
        CROSS JOIN LATERAL (SELECT q0.d, q0.tier, q0.n, ${SUCC("q0.n", QUALITY("q0.tier"), "q0.d")} AS s) q
        WHERE q.n > 0`);
      step(`rollups of ${days - 1} days (${rollupRows} rows)`);

      // The last day: raw events, then its rollups computed from them.
      const last = days - 1;
      const rawEvents =
        await run(`INSERT INTO outcome_events ("agentId", "actionTypeId", kind, tier, "occurredAt", "receivedAt", "idempotencyKey", "agentVersion", "subjectRef")
        SELECT p.agent_id, p.id,
          (CASE WHEN e.g <= q.s THEN CASE q.tier WHEN 'CRAWL' THEN 'suggestion.accepted' WHEN 'WALK' THEN 'action.completed' ELSE 'outcome.positive' END
                ELSE CASE q.tier WHEN 'CRAWL' THEN (CASE WHEN e.g % 2 = 0 THEN 'suggestion.edited' ELSE 'suggestion.rejected' END)
                                 WHEN 'WALK' THEN (CASE WHEN e.g % 2 = 0 THEN 'action.reverted' ELSE 'action.escalated' END)
                                 ELSE 'outcome.negative' END END)::"EventKind",
          q.tier::"Tier", ts.at, ts.at + interval '2 seconds', 'gen-' || p.key || '-' || q.d || '-' || e.g, '2026.10', 'subject-' || (e.g * 31 % 997)
        FROM bench_plan p
        CROSS JOIN LATERAL (SELECT ${last} AS d, ${TIER_ON(String(last))} AS tier, ${N_ON(String(last), days)} AS n) q0
        CROSS JOIN LATERAL (SELECT q0.d, q0.tier, q0.n, ${SUCC("q0.n", QUALITY("q0.tier"), "q0.d")} AS s) q
        CROSS JOIN LATERAL generate_series(1, q.n) AS e(g)
        CROSS JOIN LATERAL (SELECT ${dayTs(String(last))} + ((e.g - 0.5) * 86000.0 / q.n) * interval '1 second' AS at) ts`);
      step(`raw events of the last day (${rawEvents} rows)`);
      const lastRollups =
        await run(`INSERT INTO metric_rollups ("actionTypeId", tier, day, successes, failures, incidents)
        SELECT e."actionTypeId", e.tier, (e."occurredAt" AT TIME ZONE 'UTC')::date,
          count(*) FILTER (WHERE (e.tier, e.kind::text) IN (('CRAWL','suggestion.accepted'), ('WALK','action.completed'), ('RUN','outcome.positive')))::int,
          count(*) FILTER (WHERE (e.tier, e.kind::text) IN (('CRAWL','suggestion.edited'), ('CRAWL','suggestion.rejected'), ('WALK','action.reverted'), ('WALK','action.escalated'), ('RUN','outcome.negative')))::int,
          count(*) FILTER (WHERE e.kind = 'incident')::int
        FROM outcome_events e JOIN bench_plan p ON p.id = e."actionTypeId"
        GROUP BY 1, 2, 3`);
      step(`rollups of the last day from its raw events (${lastRollups} rows)`);

      // Evidence: successes and trials in the current tier since tierSince (what ingest accumulates).
      await run(`UPDATE action_types a SET "evidenceSuccesses" = x.s, "evidenceTrials" = x.n
        FROM (SELECT r."actionTypeId" AS id, sum(r.successes)::int AS s, sum(r.successes + r.failures)::int AS n
              FROM metric_rollups r JOIN action_types a ON a.id = r."actionTypeId" JOIN bench_plan p ON p.id = a.id
              WHERE r.tier = a.tier AND r.day >= (a."tierSince" AT TIME ZONE 'UTC')::date GROUP BY 1) x
        WHERE a.id = x.id`);
      step("evidence counters");

      const [sum] = await tx.$queryRawUnsafe<Array<{ total: bigint | number }>>(
        `SELECT coalesce(sum(r.successes + r.failures), 0)::bigint AS total FROM metric_rollups r JOIN bench_plan p ON p.id = r."actionTypeId"`,
      );
      const total = Number(sum?.total ?? 0);
      await appendAudit(
        tx,
        {
          actor: SYSTEM_ACTOR,
          kind: "bench.generated",
          entityType: "system",
          entityId: "bench",
          data: { agents, actionTypes: rows.length, events: total, rawEvents, days },
        },
        now,
      );
      step("audit");
      return { rollupRows: rollupRows + lastRollups, rawEvents, events: total };
    },
    { timeout: 3_600_000, maxWait: 60_000 },
  );

  // ANALYZE so the planner knows the new sizes (autovacuum would get there later on a server).
  await prisma.$executeRawUnsafe(`ANALYZE`);
  return {
    agents,
    actionTypes: rows.length,
    events: result.events,
    rawEvents: result.rawEvents,
    rollupRows: result.rollupRows,
    tierChanges: changes.length,
    ms: Math.round(performance.now() - started),
    steps,
  };
}

/**
 * The raw slice recounted with the product's own classifier (outcomeOf) equals its rollup rows:
 * the generator wrote what ingest would have written. Returns the number of rows compared.
 */
export async function verifyRawSlice(
  database: Database,
): Promise<{ rows: number; events: number; mismatches: number }> {
  const prisma = database.prisma;
  const raw = await prisma.$queryRawUnsafe<
    Array<{ actionTypeId: string; tier: Tier; day: string; kind: string; n: number | bigint }>
  >(
    `SELECT e."actionTypeId" AS "actionTypeId", e.tier::text AS tier, to_char((e."occurredAt" AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day, e.kind::text AS kind, count(*)::int AS n
     FROM outcome_events e WHERE e."idempotencyKey" LIKE 'gen-%' GROUP BY 1, 2, 3, 4`,
  );
  const recount = new Map<string, { s: number; f: number; i: number }>();
  let events = 0;
  for (const r of raw) {
    const k = `${r.actionTypeId}|${r.tier}|${r.day}`;
    const c = recount.get(k) ?? { s: 0, f: 0, i: 0 };
    const n = Number(r.n);
    events += n;
    const o = outcomeOf(r.kind as EventKind, r.tier);
    if (o === "success") c.s += n;
    else if (o === "failure") c.f += n;
    if (r.kind === "incident") c.i += n;
    recount.set(k, c);
  }
  const days = [...new Set(raw.map((r) => r.day))];
  const rollups = await prisma.$queryRawUnsafe<
    Array<{ actionTypeId: string; tier: Tier; day: string; successes: number; failures: number; incidents: number }>
  >(
    `SELECT r."actionTypeId" AS "actionTypeId", r.tier::text AS tier, to_char(r.day, 'YYYY-MM-DD') AS day, r.successes, r.failures, r.incidents
     FROM metric_rollups r JOIN action_types a ON a.id = r."actionTypeId" JOIN agents g ON g.id = a."agentId"
     WHERE g.slug LIKE 'bench-agent-%' AND to_char(r.day, 'YYYY-MM-DD') = ANY($1::text[])`,
    days,
  );
  let mismatches = 0;
  for (const r of rollups) {
    const c = recount.get(`${r.actionTypeId}|${r.tier}|${r.day}`);
    if (!c || c.s !== r.successes || c.f !== r.failures || c.i !== r.incidents) mismatches++;
    recount.delete(`${r.actionTypeId}|${r.tier}|${r.day}`);
  }
  mismatches += recount.size;
  return { rows: rollups.length, events, mismatches };
}
