// The live demo's pace, as data: how many outcomes each agent reports, when deploy.rollback's bad
// release starts and how fast it fails, how often support-bot proposes refunds and when its helpdesk
// decides them. Pure (no clock): the agent (agent.ts) follows it, and tests prove on it that the
// DEFAULT settings move the overview within 5 minutes and demote deploy.rollback within 15.
//
// By default each agent plays one seeded day of its volume every DEMO_DAY_MS (10 minutes): the mix
// of action types is the seed's, the pace is one a new user can watch (≈ 0.2 outcomes a second over
// the three agents: a light load). DEMO_AGENT_SPEED multiplies every rate and divides every delay;
// DEMO_AGENT_RATE (outcomes a second per agent) replaces the volume and weights the stories more.
import { DAY_MS } from "@cwr/gating/types";
import { DEMO_AGENTS, type DemoActionType } from "./catalog";

export const DEMO_STORIES = {
  degrade: { agent: "infra-bot", action: "deploy.rollback" },
  improve: { agent: "sales-bot", action: "discount.offer" },
} as const;

/** One seeded day of each agent's volume is played in this much wall-clock time. */
export const DEMO_DAY_MS = 10 * 60_000;

export interface Plan {
  spec: DemoActionType;
  weight: number;
}

export interface AgentSchedule {
  slug: string;
  /** outcomes a second of the agent's ordinary work */
  ratePerSecond: number;
  plans: Plan[];
}

export interface DemoSchedule {
  agents: AgentSchedule[];
  /** deploy.rollback's bad release: after this much ordinary work its outcomes turn mostly failures */
  story: {
    agent: string;
    action: string;
    startsAfterMs: number;
    /** it ends at the demotion, or after this long at the latest */
    lastsAtMostMs: number;
    failureRate: number;
    /** outcomes a second of the action type while the bad release runs (the agent keeps rolling back) */
    ratePerSecond: number;
  };
  /** support-bot's refunds in CRAWL: proposed now and then; the helpdesk decides most, a person the rest */
  refunds: {
    agent: string;
    action: string;
    firstAfterMs: number;
    everyMs: number;
    maxPerRun: number;
    decideAfterMs: number;
    /** every leaveEvery-th proposal waits in the suggestions queue for a person */
    leaveEvery: number;
  };
}

export interface DemoSettings {
  /** multiplies every rate, divides every delay (default 1) */
  speed?: number;
  /** outcomes a second per agent at speed 1, instead of one seeded day per DEMO_DAY_MS */
  rate?: number;
}

const DAY_SECONDS = DAY_MS / 1000;

/** Outcomes per second of an agent at the volume the seed gave it (the sum of its perDay). */
export function seededRatePerSecond(slug: string): number {
  const agent = DEMO_AGENTS.find((a) => a.slug === slug);
  return agent ? agent.actionTypes.reduce((sum, a) => sum + a.perDay, 0) / DAY_SECONDS : 0;
}

/** Each action type's share of the agent's traffic: its seeded perDay, unless the stories are sped up. */
export function demoPlans(slug: string, fastStories: boolean): Plan[] {
  const agent = DEMO_AGENTS.find((a) => a.slug === slug);
  if (!agent) return [];
  return agent.actionTypes.map((spec) => {
    let weight = spec.perDay;
    if (fastStories) {
      // The two stories get a larger share of the traffic so they play out in minutes.
      if (slug === DEMO_STORIES.degrade.agent && spec.key === DEMO_STORIES.degrade.action) weight *= 3;
      if (slug === DEMO_STORIES.improve.agent && spec.key === DEMO_STORIES.improve.action) weight *= 4;
    }
    return { spec, weight };
  });
}

export function demoSchedule(settings: DemoSettings = {}): DemoSchedule {
  const speed = Math.max(0.01, settings.speed ?? 1);
  const fast = settings.rate !== undefined;
  const agents = DEMO_AGENTS.map((a) => ({
    slug: a.slug,
    ratePerSecond: (fast ? settings.rate! : seededRatePerSecond(a.slug) * (DAY_MS / DEMO_DAY_MS)) * speed,
    plans: demoPlans(a.slug, fast),
  }));
  const storyAgent = agents.find((a) => a.slug === DEMO_STORIES.degrade.agent)!;
  const ordinaryShare = share(storyAgent, DEMO_STORIES.degrade.action) * storyAgent.ratePerSecond;
  return {
    agents,
    story: {
      ...DEMO_STORIES.degrade,
      startsAfterMs: (fast ? 30_000 : 120_000) / speed,
      lastsAtMostMs: (20 * 60_000) / speed,
      failureRate: 0.85,
      // one every 15 s: the CUSUM (h ≈ 6.1, q0 25 %, q1 50 %) fires after about a dozen, ≈ 3 minutes
      ratePerSecond: Math.max(speed / 15, ordinaryShare),
    },
    refunds: {
      agent: "support-bot",
      action: "refund.issue",
      firstAfterMs: 0,
      everyMs: 90_000 / speed,
      maxPerRun: 40,
      decideAfterMs: 40_000 / speed,
      leaveEvery: 3,
    },
  };
}

function share(agent: AgentSchedule, key: string): number {
  const total = agent.plans.reduce((s, p) => s + p.weight, 0);
  const plan = agent.plans.find((p) => p.spec.key === key);
  return plan && total > 0 ? plan.weight / total : 0;
}

/**
 * Expected outcomes of one action type between fromMs and toMs after the agent started: its share of
 * the ordinary work, the bad release's own rate while that runs, and the refunds the helpdesk decides.
 */
export function expectedOutcomes(s: DemoSchedule, slug: string, key: string, fromMs: number, toMs: number): number {
  const agent = s.agents.find((a) => a.slug === slug);
  if (!agent || toMs <= fromMs) return 0;
  const ordinary = share(agent, key) * agent.ratePerSecond;
  let total = (ordinary * (toMs - fromMs)) / 1000;
  if (slug === s.story.agent && key === s.story.action) {
    const start = Math.max(fromMs, s.story.startsAfterMs);
    const end = Math.min(toMs, s.story.startsAfterMs + s.story.lastsAtMostMs);
    if (end > start) total += ((s.story.ratePerSecond - ordinary) * (end - start)) / 1000;
  }
  if (slug === s.refunds.agent && key === s.refunds.action) total += refundsDecided(s, fromMs, toMs);
  return total;
}

/** How many proposals the helpdesk decides in [fromMs, toMs) (index i decided unless i % leaveEvery is the last). */
export function refundsDecided(s: DemoSchedule, fromMs: number, toMs: number): number {
  const r = s.refunds;
  let n = 0;
  for (let i = 0; i < r.maxPerRun; i++) {
    const at = r.firstAfterMs + i * r.everyMs + r.decideAfterMs;
    if (at >= toMs) break;
    if (at >= fromMs && helpdeskDecides(s, i)) n++;
  }
  return n;
}

/** The helpdesk decides proposal i (0-based) unless it is one left for a person. */
export function helpdeskDecides(s: DemoSchedule, i: number): boolean {
  return i % s.refunds.leaveEvery !== s.refunds.leaveEvery - 1;
}
