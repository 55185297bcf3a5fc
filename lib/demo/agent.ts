// The live demo agent: one of the seeded agents (support-bot, infra-bot, sales-bot) doing its work
// through the public API only, with its own key and the SDK — tiers from the stream, decisions
// answered locally (and now and then asked of the server), outcomes reported at the tier the SDK
// reports. Two stories play out within minutes of a fresh start:
//   · infra-bot / deploy.rollback (WALK) ships a bad release: mostly failures, until the server's
//     CUSUM detector demotes it; its events then switch to the CRAWL family (suggestions).
//   · sales-bot / discount.offer (CRAWL, just under its bar) gets its suggestions accepted almost
//     always, and accumulates the evidence that makes it eligible for WALK.
//   · support-bot / refund.issue (CRAWL) proposes refunds now and then; a person decides them in
//     the suggestions queue.
// By default each agent reports at the volume of its seeded history (the catalog's perDay), so the
// live bars look like the seeded ones. DEMO_AGENT_SPEED multiplies the event rate and shortens the
// warm-up; DEMO_AGENT_RATE (outcomes per second per agent) replaces the seeded volume and gives the
// two stories a larger share, so they play out in minutes (tests use RATE 1 and SPEED 20).
import { createClient, createReporter, TIER_LIST, type CwrClient, type Reporter, type TierChange } from "@cwr/sdk";
import type { Audience, EventKind, Tier } from "@cwr/sdk/types";
import { DAY_MS } from "@cwr/gating/types";
import { DEMO_AGENTS, eventKindFor, type DemoActionType } from "./catalog";
import { REFUND_REASONS, refundProposal } from "./refunds";

/** The version the seed reported: a different one would restart the promotion evidence. */
export const DEMO_AGENT_VERSION = "2026.10";

export const DEMO_STORIES = {
  degrade: { agent: "infra-bot", action: "deploy.rollback" },
  improve: { agent: "sales-bot", action: "discount.offer" },
} as const;

export interface DemoAgentOptions {
  baseUrl: string;
  /** the key of one seeded agent; the agent is whichever the key belongs to */
  apiKey: string;
  /** reporter keys of the agent's systems of record, by name: they report the outcomes of the action types they own */
  reporterKeys?: Record<string, string>;
  /** rate multiplier (default 1: the seeded daily volume) */
  speed?: number;
  /** outcomes per second per agent at speed 1 (default: the seeded volume, seededRatePerSecond); setting it also speeds the stories up */
  rate?: number;
  /** seconds of normal work before deploy.rollback's bad release, at speed 1 (default 30) */
  warmupSeconds?: number;
  random?: () => number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface DemoAgentStats {
  agent: string | null;
  reported: number;
  rejected: number;
  serverDecisions: number;
  /** the server's decision differed from the SDK's local one (expected only around a tier change) */
  decisionMismatches: number;
  episode: "pending" | "running" | "over" | "none";
}

export interface DemoAgent {
  client: CwrClient;
  stats(): DemoAgentStats;
  stop(): Promise<void>;
}

const TICK_MS = 200;

/** support-bot's refunds in CRAWL: a proposal every few minutes (÷ speed), a handful per run at most. */
export const REFUND_PROPOSALS = { agent: "support-bot", action: "refund.issue", everyMs: 180_000, maxPerRun: 12 };

export function refundProposalDue(s: {
  agent: string | null;
  tier: Tier | null;
  sinceLastMs: number;
  made: number;
  speed: number;
}): boolean {
  return (
    s.agent === REFUND_PROPOSALS.agent &&
    s.tier === "CRAWL" &&
    s.made < REFUND_PROPOSALS.maxPerRun &&
    s.sinceLastMs >= REFUND_PROPOSALS.everyMs / s.speed
  );
}

interface Plan {
  spec: DemoActionType;
  weight: number;
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

export function startDemoAgent(options: DemoAgentOptions): DemoAgent {
  const speed = Math.max(0.01, options.speed ?? 1);
  const fastStories = options.rate !== undefined;
  // Fixed once the agent is known (its seeded volume), unless a rate was given.
  let rate = options.rate !== undefined ? options.rate * speed : 0;
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => {});
  const warmupMs = ((options.warmupSeconds ?? 30) * 1000) / speed;
  const episodeMaxMs = 600_000 / speed;

  const counters = { reported: 0, rejected: 0, serverDecisions: 0, decisionMismatches: 0 };
  const client = createClient({
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    reporter: {
      agentVersion: DEMO_AGENT_VERSION,
      flushIntervalMs: Math.max(100, 1000 / Math.sqrt(speed)),
      onRejected: (r) => {
        counters.rejected += r.length;
        log("demo agent: events rejected", { agent: client.agent, count: r.length, reason: r[0]?.reason });
      },
    },
  });

  // The systems of record (support-bot's helpdesk) report what they see with their own keys.
  const reporters = new Map<string, Reporter>(
    Object.entries(options.reporterKeys ?? {}).map(([name, apiKey]) => [
      name,
      createReporter({
        baseUrl: options.baseUrl,
        apiKey,
        agentVersion: DEMO_AGENT_VERSION,
        flushIntervalMs: Math.max(100, 1000 / Math.sqrt(speed)),
        onRejected: (r) => {
          counters.rejected += r.length;
          log("demo agent: events rejected", { reporter: name, count: r.length, reason: r[0]?.reason });
        },
      }),
    ]),
  );

  let agentPlans: Plan[] | null = null;
  let totalWeight = 0;
  let carry = 0;
  let lastDecisionAt = 0;
  let lastTickAt = Date.now();
  const startedAt = Date.now();
  let episode: DemoAgentStats["episode"] = "pending";
  let episodeStartedAt = 0;

  const offChange = client.onChange((c: TierChange) => {
    if (!c.previous || !c.current || c.previous.tier === c.current.tier) return;
    log("demo agent: tier change", {
      agent: client.agent,
      action: c.action,
      from: c.previous.tier,
      to: c.current.tier,
      cause: c.cause,
    });
    if (
      episode === "running" &&
      c.action === DEMO_STORIES.degrade.action &&
      TIER_LIST.indexOf(c.current.tier) < TIER_LIST.indexOf(c.previous.tier)
    ) {
      episode = "over"; // demoted: the bad release is rolled back, quality is back to normal
      log("demo agent: degraded action type demoted, episode over", { action: c.action, to: c.current.tier });
    }
  });

  const quality = (plan: Plan, tier: Tier): number => {
    const key = plan.spec.key;
    if (
      client.agent === DEMO_STORIES.degrade.agent &&
      key === DEMO_STORIES.degrade.action &&
      episode === "running" &&
      tier !== "CRAWL"
    )
      return 0.15;
    if (client.agent === DEMO_STORIES.improve.agent && key === DEMO_STORIES.improve.action && tier === "CRAWL")
      return 0.985;
    return plan.spec.quality[tier];
  };

  const pick = (): Plan => {
    let r = random() * totalWeight;
    for (const p of agentPlans!) {
      r -= p.weight;
      if (r < 0) return p;
    }
    return agentPlans![agentPlans!.length - 1]!;
  };

  const askServer = async (action: string, audience: Audience, local: boolean) => {
    try {
      const res = await fetch(`${options.baseUrl}/api/v1/decisions`, {
        method: "POST",
        headers: { authorization: `Bearer ${options.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ action, audience }),
      });
      if (!res.ok) return;
      const d = (await res.json()) as { allowed: boolean };
      counters.serverDecisions++;
      if (d.allowed !== local) counters.decisionMismatches++;
    } catch {
      /* the server is away: the SDK fails closed on its own */
    }
  };

  // CRAWL's suggestions through the SDK: a person decides them in the queue (SPEC §8).
  const refunds = { made: 0, lastAt: -Infinity };
  const proposeRefund = () => {
    const now = Date.now();
    const tier = client.tier(REFUND_PROPOSALS.action);
    if (!refundProposalDue({ agent: client.agent, tier, sinceLastMs: now - refunds.lastAt, made: refunds.made, speed }))
      return;
    refunds.made++;
    refunds.lastAt = now;
    const order = `L-${Math.floor(random() * 900_000 + 100_000)}`;
    const amount = Math.round((10 + random() * 140) * 100) / 100;
    const why = REFUND_REASONS[Math.floor(random() * REFUND_REASONS.length)]!;
    client
      .propose(refundProposal(order, amount, why))
      .then((p) => log("demo agent: refund proposed", { order, id: p.id }))
      .catch((e: Error) => log("demo agent: proposal refused", { order, error: e.message }));
  };

  const work = (plan: Plan) => {
    const action = plan.spec.key;
    const tier = client.tier(action);
    // In RUN the agent acts on customers; in WALK on internal staff; in CRAWL it only suggests.
    const audience: Audience = tier === "RUN" ? "external" : "internal";
    const decision = client.decide(action, audience);
    const now = Date.now();
    if (now - lastDecisionAt >= 1000) {
      lastDecisionAt = now;
      void askServer(action, audience, decision.allowed);
    }
    // Allowed: it acts (an internal action in WALK, a customer outcome in RUN); not: it suggests.
    const at: Tier = decision.allowed ? decision.tier : "CRAWL";
    const success = random() < quality(plan, at);
    const kind = eventKindFor(at, success, random()) as EventKind;
    const outcome = {
      action,
      kind,
      tier: decision.tier,
      subjectRef: `${audience === "external" ? "customer" : "staff"}-${Math.floor(random() * 5000)}`,
      metadata: { demo: true },
    };
    const reporter = plan.spec.reportedBy ? reporters.get(plan.spec.reportedBy) : undefined;
    if (reporter) reporter.report(outcome);
    else client.report(outcome);
    counters.reported++;
  };

  const tick = () => {
    const status = client.status();
    if (status.lastUpdateAt === null) {
      lastTickAt = Date.now();
      return; // not loaded yet: nothing to decide on
    }
    if (!agentPlans) {
      agentPlans = demoPlans(client.agent ?? "", fastStories);
      if (!fastStories) rate = seededRatePerSecond(client.agent ?? "") * speed;
      totalWeight = agentPlans.reduce((s, p) => s + p.weight, 0);
      if (agentPlans.length === 0) log("demo agent: not a demo agent, idle", { agent: client.agent });
    }
    if (agentPlans.length === 0) return;

    const now = Date.now();
    if (episode === "pending" && now - startedAt >= warmupMs && status.state === "fresh") {
      if (client.agent !== DEMO_STORIES.degrade.agent) episode = "none";
      else if (client.tier(DEMO_STORIES.degrade.action) === "CRAWL") {
        episode = "none"; // already demoted (a restart of a running demo): nothing to regress from
      } else {
        episode = "running";
        episodeStartedAt = now;
        log("demo agent: bad release of deploy.rollback, outcomes turn mostly failures", {
          tier: client.tier(DEMO_STORIES.degrade.action),
        });
      }
    }
    if (episode === "running" && now - episodeStartedAt > episodeMaxMs) episode = "over";

    // By elapsed time, not ticks: a busy event loop delays ticks but must not slow the demo down.
    carry += (rate * Math.min(2000, now - lastTickAt)) / 1000;
    lastTickAt = now;
    let n = Math.floor(carry);
    carry -= n;
    while (n-- > 0) work(pick());
    proposeRefund();
  };

  const timer = setInterval(() => {
    try {
      tick();
    } catch (e) {
      log("demo agent: tick failed", { error: (e as Error).message });
    }
  }, TICK_MS);

  return {
    client,
    stats: () => ({ agent: client.agent, ...counters, episode }),
    async stop() {
      clearInterval(timer);
      offChange();
      await Promise.all([
        client.close({ timeoutMs: 1000 }),
        ...[...reporters.values()].map((r) => r.close({ timeoutMs: 1000 })),
      ]);
    },
  };
}
