// The live demo agent: one of the seeded agents (support-bot, infra-bot, sales-bot) doing its work
// through the public API only, with its own key and the SDK — tiers from the stream, decisions
// answered locally (and now and then asked of the server), outcomes reported at the tier the SDK
// reports. Its pace is lib/demo/schedule.ts (one seeded day every 10 minutes by default); the stories:
//   · infra-bot / deploy.rollback (WALK) ships a bad release two minutes in: its outcomes turn mostly
//     failures until the server's CUSUM detector demotes it (≈ 3 minutes later); its events then
//     switch to the CRAWL family (suggestions).
//   · sales-bot / discount.offer (CRAWL, just under its bar) gets its suggestions accepted almost
//     always, and accumulates the evidence that makes it eligible for WALK.
//   · support-bot / refund.issue (CRAWL) proposes refunds every 90 s; its helpdesk (a reporter key)
//     decides most of them, the rest wait for a person in the suggestions queue.
// DEMO_AGENT_SPEED multiplies the pace; DEMO_AGENT_RATE (outcomes per second per agent) replaces the
// volume and gives the two stories a larger share (tests use RATE 1 and SPEED 20).
import {
  createClient,
  createReporter,
  decideProposal,
  TIER_LIST,
  type CwrClient,
  type Reporter,
  type TierChange,
} from "@cwr/sdk";
import type { Audience, EventKind, Tier } from "@cwr/sdk/types";
import { eventKindFor } from "./catalog";
import { REFUND_REASONS, refundProposal } from "./refunds";
import { DEMO_STORIES, demoSchedule, helpdeskDecides, type Plan } from "./schedule";

export { DEMO_STORIES, demoPlans, seededRatePerSecond } from "./schedule";

/** The version the seed reported: a different one would restart the promotion evidence. */
export const DEMO_AGENT_VERSION = "2026.10";

export interface DemoAgentOptions {
  baseUrl: string;
  /** the key of one seeded agent; the agent is whichever the key belongs to */
  apiKey: string;
  /** reporter keys of the agent's systems of record, by name: they report the outcomes of the action types they own */
  reporterKeys?: Record<string, string>;
  /** pace multiplier (default 1: one seeded day every 10 minutes, lib/demo/schedule.ts) */
  speed?: number;
  /** outcomes per second per agent at speed 1 (default: the schedule's); setting it also speeds the stories up */
  rate?: number;
  /** seconds of normal work before deploy.rollback's bad release, at speed 1 (default: the schedule's) */
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

const DEFAULT_SCHEDULE = demoSchedule();

/** support-bot's refunds in CRAWL at speed 1: a proposal every 90 s, a few dozen per run at most. */
export const REFUND_PROPOSALS = {
  agent: DEFAULT_SCHEDULE.refunds.agent,
  action: DEFAULT_SCHEDULE.refunds.action,
  everyMs: DEFAULT_SCHEDULE.refunds.everyMs,
  maxPerRun: DEFAULT_SCHEDULE.refunds.maxPerRun,
};

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

export function startDemoAgent(options: DemoAgentOptions): DemoAgent {
  const speed = Math.max(0.01, options.speed ?? 1);
  const schedule = demoSchedule({ speed, ...(options.rate !== undefined ? { rate: options.rate } : {}) });
  // Fixed once the agent is known (its schedule).
  let rate = 0;
  let storyExtraRate = 0;
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => {});
  const warmupMs =
    options.warmupSeconds !== undefined ? (options.warmupSeconds * 1000) / speed : schedule.story.startsAfterMs;
  const episodeMaxMs = schedule.story.lastsAtMostMs;

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
  let storyCarry = 0;
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
      return 1 - schedule.story.failureRate;
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

  // CRAWL's suggestions through the SDK: the helpdesk or a person in the queue decides them (SPEC §8).
  const refunds = {
    made: 0,
    lastAt: -Infinity,
    toDecide: [] as Array<{ id: string; dueAt: number; parameters: Record<string, unknown> }>,
  };
  const helpdeskKey = options.reporterKeys?.helpdesk;
  const proposeRefund = () => {
    const now = Date.now();
    const tier = client.tier(REFUND_PROPOSALS.action);
    if (!refundProposalDue({ agent: client.agent, tier, sinceLastMs: now - refunds.lastAt, made: refunds.made, speed }))
      return;
    const index = refunds.made++;
    refunds.lastAt = now;
    const order = `L-${Math.floor(random() * 900_000 + 100_000)}`;
    const amount = Math.round((10 + random() * 140) * 100) / 100;
    const why = REFUND_REASONS[Math.floor(random() * REFUND_REASONS.length)]!;
    const proposal = refundProposal(order, amount, why);
    client
      .propose(proposal)
      .then((p) => {
        log("demo agent: refund proposed", { order, id: p.id });
        if (helpdeskKey && helpdeskDecides(schedule, index))
          refunds.toDecide.push({
            id: p.id,
            dueAt: now + schedule.refunds.decideAfterMs,
            parameters: proposal.parameters,
          });
      })
      .catch((e: Error) => log("demo agent: proposal refused", { order, error: e.message }));
  };

  // The helpdesk decides most refunds (its reporter key, naming its own user): mostly accepted, some
  // halved, a few refused; each decision is a CRAWL outcome of refund.issue.
  const decideRefunds = () => {
    const now = Date.now();
    const due = refunds.toDecide.filter((r) => r.dueAt <= now);
    if (due.length === 0 || !helpdeskKey) return;
    refunds.toDecide = refunds.toDecide.filter((r) => r.dueAt > now);
    const ctx = {
      baseUrl: options.baseUrl,
      apiKey: helpdeskKey,
      fetch: (u: string, i?: RequestInit) => fetch(u, i),
      now: Date.now,
    };
    for (const r of due) {
      const roll = random();
      const decidedBy = `helpdesk-agent-${1 + Math.floor(random() * 7)}`;
      const input =
        roll < 0.8
          ? { decision: "accept" as const, decidedBy }
          : roll < 0.93
            ? {
                decision: "edit" as const,
                parameters: { ...r.parameters, amount: Math.round(Number(r.parameters.amount) * 50) / 100 },
                decidedBy,
              }
            : { decision: "reject" as const, reason: "Outside the refund policy; a voucher was offered.", decidedBy };
      decideProposal(ctx, r.id, input)
        .then((a) => log("demo agent: refund decided by the helpdesk", { id: r.id, status: a.status }))
        .catch((e: Error) => log("demo agent: refund decision refused", { id: r.id, error: e.message }));
    }
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
      const own = schedule.agents.find((a) => a.slug === client.agent);
      agentPlans = own?.plans ?? [];
      rate = own?.ratePerSecond ?? 0;
      totalWeight = agentPlans.reduce((s, p) => s + p.weight, 0);
      const story = agentPlans.find(
        (p) => client.agent === DEMO_STORIES.degrade.agent && p.spec.key === DEMO_STORIES.degrade.action,
      );
      // While the bad release runs, deploy.rollback comes this much more often (the schedule's story rate).
      if (story) storyExtraRate = Math.max(0, schedule.story.ratePerSecond - (rate * story.weight) / totalWeight);
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
    const elapsed = Math.min(2000, now - lastTickAt);
    carry += (rate * elapsed) / 1000;
    lastTickAt = now;
    let n = Math.floor(carry);
    carry -= n;
    while (n-- > 0) work(pick());
    if (episode === "running" && storyExtraRate > 0) {
      storyCarry += (storyExtraRate * elapsed) / 1000;
      const story = agentPlans.find((p) => p.spec.key === DEMO_STORIES.degrade.action)!;
      for (; storyCarry >= 1; storyCarry--) work(story);
    }
    proposeRefund();
    decideRefunds();
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
