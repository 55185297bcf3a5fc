// npm run bench:gate — operating characteristics of every default policy (lib/gating/defaults.ts):
// false promotion under continuous re-checking (with and without adversarial version bumps), power,
// median outcomes to promotion, false demotion and detection delay. Exact by dynamic programming
// where feasible, simulated with a fixed seed otherwise; each row names its method.
// `--today` reproduces the rules before issue 11 (a fresh α on every restart, h = ln(1/α_demote)).
import { BLAST_RADII, defaultPolicy, logEProcess, type BlastRadius, type PolicyRules, type Tier } from "@cwr/gating";
import { logRestartLevel } from "@cwr/gating/alpha-spending";
import { cusumAlarmWithin, gridAlarmWithin } from "@cwr/gating/cusum-arl";
import { cusumParams } from "@cwr/gating/demotion";
import { clearTable, firstPassage, quantileOf } from "@cwr/gating/promotion-oc";
import { rampRows } from "./lib/ramp-rows";

const TODAY = process.argv.includes("--today");
const HORIZON = 2000;
const BUMP_EVERY = 100;
const RUNS = 4000;
const SEED = 20261201;
const FALSE_DEMOTION_HORIZON = 100_000;
/** Ramp rows: each run drives up to 10,000 outcomes through the live interpreter. */
const RAMP_RUNS = Number(process.env.BENCH_RAMP_RUNS ?? 1000);

/** ln(1/α_j) of the j-th restart in one stay, under the rules measured. */
const logLevel = (alpha: number, j: number) => (TODAY ? -Math.log(alpha) : logRestartLevel(alpha, j));

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

function promotionRows(radius: BlastRadius, tier: Tier, rules: PolicyRules): string[][] {
  const bar = rules.tiers[tier].promotion!;
  const p = bar.threshold;
  const rows: string[][] = [];
  const name = `${radius} ${tier} (bar ${p}, min ${bar.minSamples})`;

  const plain = firstPassage(clearTable(p, logLevel(rules.alpha, 0), HORIZON, bar.minSamples), p, HORIZON);
  rows.push([
    name,
    "false promotion, re-checked every outcome, no bumps",
    pct(plain[HORIZON]!),
    `exact DP, ${HORIZON} outcomes`,
  ]);

  // Bump every 100 outcomes: each segment is a fresh evidence at the next α_j. The minimum sample
  // is ignored (it would stop every segment short of it): the adversary's best case.
  let survive = 1;
  for (let j = 0; j < HORIZON / BUMP_EVERY; j++) {
    const seg = firstPassage(clearTable(p, logLevel(rules.alpha, j), BUMP_EVERY, 1), p, BUMP_EVERY);
    survive *= 1 - seg[BUMP_EVERY]!;
  }
  rows.push([
    name,
    `false promotion, bump every ${BUMP_EVERY} (min sample ignored)`,
    pct(1 - survive),
    `exact DP per segment, ${HORIZON} outcomes`,
  ]);

  // Bump whenever E < 1/4, with the default minimum sample.
  const low = clearTable(p, Math.log(0.25), HORIZON, 1);
  const tables: Int32Array[] = [];
  const tableFor = (j: number) => (tables[j] ??= clearTable(p, logLevel(rules.alpha, j), HORIZON, bar.minSamples));
  const rnd = mulberry32(SEED);
  let promoted = 0;
  for (let run = 0; run < RUNS; run++) {
    let j = 0;
    let s = 0;
    let n = 0;
    for (let t = 0; t < HORIZON; t++) {
      n++;
      if (rnd() < p) s++;
      if (s >= tableFor(j)[n]!) {
        promoted++;
        break;
      }
      if (s < low[n]!) {
        j++;
        s = 0;
        n = 0;
      }
    }
  }
  rows.push([
    name,
    "false promotion, bump whenever E < 1/4",
    pct(promoted / RUNS),
    `simulated, ${RUNS} runs, seed ${SEED}`,
  ]);

  let previous = -1;
  for (const delta of [0.02, 0.03, 0.05]) {
    const q = Math.min(1, p + delta);
    if (q === previous) continue; // bars near 1: bar + δ capped at 1 once
    previous = q;
    const long = 20_000;
    const cum = firstPassage(clearTable(p, logLevel(rules.alpha, 0), long, bar.minSamples), q, long);
    const median = quantileOf(cum, 0.5);
    rows.push([
      name,
      `at ${q.toFixed(3)}: power within ${HORIZON} / median outcomes`,
      `${pct(cum[HORIZON]!)} / ${median ?? `> ${long}`}`,
      "exact DP",
    ]);
  }
  return rows;
}

function demotionRows(radius: BlastRadius, tier: Tier, rules: PolicyRules): string[][] {
  const below = tier === "WALK" ? "CRAWL" : "WALK";
  const comfortable = 1 - rules.tiers[below].promotion!.threshold;
  const params = cusumParams(rules, tier);
  const h = TODAY ? Math.log(1 / rules.demotionAlpha) : params.threshold;
  const name = `${radius} ${tier} (q0 ${params.q0.toFixed(2)}, q1 ${params.q1.toFixed(2)}, h ${h.toFixed(2)})`;
  const within = gridAlarmWithin(params.q0, params.q1, h, comfortable, FALSE_DEMOTION_HORIZON);
  const delay = cusumAlarmWithin(params.q0, params.q1, h, params.q1, 2000);
  return [
    [
      name,
      `false demotion within 10^5 at failure rate ${comfortable.toFixed(2)}`,
      pct(within[FALSE_DEMOTION_HORIZON]!),
      "exact Markov chain (grid, an upper bound)",
    ],
    [
      name,
      `median / 90% detection delay at q1 from W = 0`,
      `${quantileOf(delay, 0.5)} / ${quantileOf(delay, 0.9)}`,
      "exact DP over (failures, successes)",
    ],
  ];
}

function main() {
  const rows: string[][] = [["policy", "measure", "value", "method"]];
  for (const radius of BLAST_RADII) {
    const rules = defaultPolicy(radius);
    for (const tier of ["CRAWL", "WALK"] as const) rows.push(...promotionRows(radius, tier, rules));
    for (const tier of ["WALK", "RUN"] as const) rows.push(...demotionRows(radius, tier, rules));
  }
  if (!TODAY) rows.push(...rampRows(RAMP_RUNS, SEED, mulberry32));
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  console.log(
    `bench:gate — ${TODAY ? "rules before issue 11 (--today)" : "current rules"}; ln E self-check ${logEProcess(10, 10, 0.5).toFixed(6)}`,
  );
  for (const r of rows) console.log(`| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(" | ")} |`);
}

main();
