// A demo that moves (issue 25 item 6), proven on the schedule itself at the DEFAULT settings (no
// DEMO_AGENT_SPEED, no DEMO_AGENT_RATE): what `npm start` does. Within 5 minutes outcomes arrive on
// several action types (refund.issue among them, through proposals a reporter decides); within 15
// minutes deploy.rollback's bad release is caught by the server's CUSUM, computed from the detector's
// own design (h, q0, q1 of the medium blast radius' WALK policy) and the schedule's outcome rate.
import { describe, expect, it } from "vitest";
import { cusumAlarmWithin, cusumParams, defaultPolicy } from "@cwr/gating";
import { DEMO_AGENTS } from "@/lib/demo/catalog";
import { DEMO_STORIES } from "@/lib/demo/agent";
import { demoSchedule, expectedOutcomes } from "@/lib/demo/schedule";

const MINUTE = 60_000;
/** From `npm start` to the demo agents' first outcome: seed of a fresh database, build, first tiers. */
const STARTUP_ALLOWANCE_MS = MINUTE;
const schedule = demoSchedule({ speed: 1 });

/** A count of Poisson(mean) is at least this with probability > 99.8 %. */
const lowCount = (mean: number) => Math.max(0, Math.floor(mean - 3 * Math.sqrt(mean)));

describe("the demo's default schedule", () => {
  it("brings outcomes to most action types, refund.issue included, within 5 minutes", () => {
    const window: [number, number] = [0, 5 * MINUTE - STARTUP_ALLOWANCE_MS];
    const moving: string[] = [];
    for (const a of DEMO_AGENTS)
      for (const t of a.actionTypes)
        // at least 3 expected: P(none) < 5 %
        if (expectedOutcomes(schedule, a.slug, t.key, ...window) >= 3) moving.push(`${a.slug}/${t.key}`);
    expect(moving.length, moving.join(", ")).toBeGreaterThanOrEqual(8);
    expect(moving).toContain("support-bot/refund.issue");

    // Proposals: the first is made once the tiers are loaded, and the helpdesk decides it shortly after.
    const r = schedule.refunds;
    expect(r.firstAfterMs + r.decideAfterMs).toBeLessThan(window[1]);
    expect(Math.floor((window[1] - r.firstAfterMs) / r.everyMs) + 1).toBeGreaterThanOrEqual(2);
    // … and some are left for a person in the suggestions queue.
    expect(r.leaveEvery).toBeGreaterThanOrEqual(2);
  });

  it("demotes deploy.rollback within 15 minutes: the CUSUM alarm is all but certain by then", () => {
    const { agent, action } = DEMO_STORIES.degrade;
    const spec = DEMO_AGENTS.find((a) => a.slug === agent)!.actionTypes.find((t) => t.key === action)!;
    const params = cusumParams(defaultPolicy(spec.blastRadius), "WALK");
    const start = schedule.story.startsAfterMs;
    const end = 15 * MINUTE - STARTUP_ALLOWANCE_MS;
    expect(start).toBeLessThan(5 * MINUTE); // a user sees the normal work first, then the bad release
    expect(schedule.story.lastsAtMostMs).toBeGreaterThanOrEqual(end - start);
    const n = lowCount(expectedOutcomes(schedule, agent, action, start, end));
    const pAlarm = cusumAlarmWithin(params.q0, params.q1, params.threshold, schedule.story.failureRate, n)[n]!;
    console.log(
      `deploy.rollback: h ${params.threshold.toFixed(2)}, q0 ${params.q0}, q1 ${params.q1}; ≥ ${n} outcomes in the bad release by 15 min; P(alarm) ${pAlarm.toFixed(4)}`,
    );
    expect(pAlarm).toBeGreaterThan(0.99);
    // and most likely well before: at the expected count half-way there, the alarm is more likely than not
    const half = Math.floor(expectedOutcomes(schedule, agent, action, start, start + (end - start) / 2));
    expect(
      cusumAlarmWithin(params.q0, params.q1, params.threshold, schedule.story.failureRate, half)[half]!,
    ).toBeGreaterThan(0.5);
  });

  it("keeps the load modest: well under one outcome a second over all agents, each agent's mix as seeded", () => {
    const total = schedule.agents.reduce((s, a) => s + a.ratePerSecond, 0);
    expect(total).toBeLessThan(0.5);
    for (const a of schedule.agents) {
      const agent = DEMO_AGENTS.find((x) => x.slug === a.slug)!;
      const seededTotal = agent.actionTypes.reduce((s, t) => s + t.perDay, 0);
      const weightTotal = a.plans.reduce((s, p) => s + p.weight, 0);
      for (const p of a.plans) expect(p.weight / weightTotal).toBeCloseTo(p.spec.perDay / seededTotal, 6);
    }
  });

  it("runs faster by DEMO_AGENT_SPEED: rates multiply, delays divide", () => {
    const fast = demoSchedule({ speed: 5 });
    expect(fast.agents[0]!.ratePerSecond).toBeCloseTo(schedule.agents[0]!.ratePerSecond * 5, 9);
    expect(fast.story.startsAfterMs).toBeCloseTo(schedule.story.startsAfterMs / 5, 6);
    expect(fast.refunds.everyMs).toBeCloseTo(schedule.refunds.everyMs / 5, 6);
  });
});
