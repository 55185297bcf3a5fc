// A revert turns the success it names into a failure (SPEC §2 Metric). The daily rollups (charts) and the
// evidence fold (every gate) must say the same thing about it, on any stream, however it is batched:
// property-tested through the real ingest on a real database.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestEvents } from "@/lib/events/mutations";
import { dayOf } from "@/lib/metrics/mutations";
import { toEvidenceState, EVIDENCE_STATE_SELECT } from "@/lib/metrics/evidence-state";
import { daysAgo, feed, newSubject, openWorld, promoteOnce, type Subject, type World } from "./world";

let w: World;
beforeAll(async () => {
  w = await openWorld();
});
afterAll(async () => {
  await w?.database.close();
});

/** A low-radius action type in WALK since 20 days ago, with no WALK outcome yet. */
async function inWalk(): Promise<Subject> {
  const s = await newSubject(w.db, "low", daysAgo(40));
  await feed(w.db, s, "CRAWL", 60, 60, daysAgo(20));
  await promoteOnce(w, s, daysAgo(20));
  return s;
}

/** One generated event: a completion, an escalation, or a revert of the `target`-th completion so far. */
type Step =
  | { type: "completed" | "escalated"; minute: number }
  | { type: "reverted"; target: number; after: number; label: "WALK" | "RUN" };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ type: fc.constant("completed" as const), minute: fc.integer({ min: 0, max: 2 * 1440 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant("escalated" as const), minute: fc.integer({ min: 0, max: 2 * 1440 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant("reverted" as const),
      target: fc.nat(),
      // 0: at the very instant of the event it reverts
      after: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1440 })),
      label: fc.constantFrom("WALK" as const, "RUN" as const),
    }),
  },
);

/** The events of a stream, each with a key, in generation order; reverts name an earlier completion. */
function eventsOf(s: Subject, steps: Step[], tag: string) {
  const start = daysAgo(3).getTime();
  const completed: Array<{ key: string; at: number }> = [];
  const out: Array<Record<string, unknown>> = [];
  steps.forEach((st, i) => {
    const key = `${tag}-${i}`;
    if (st.type === "reverted") {
      const target = completed[st.target % Math.max(1, completed.length)];
      if (!target) return;
      const at = target.at + st.after * 60_000;
      out.push({
        idempotencyKey: key,
        action: s.key,
        kind: "action.reverted",
        tier: st.label,
        reverts: target.key,
        occurredAt: new Date(at).toISOString(),
        agentVersion: "v1",
      });
      return;
    }
    const at = start + st.minute * 60_000;
    if (st.type === "completed") completed.push({ key, at });
    out.push({
      idempotencyKey: key,
      action: s.key,
      kind: `action.${st.type}`,
      tier: "WALK",
      occurredAt: new Date(at).toISOString(),
      agentVersion: "v1",
    });
  });
  return out;
}

/** Splits `events` into batches at the given cut points, each batch in the given order. */
function batched<T>(events: T[], order: number[], cuts: number[]): T[][] {
  const sorted = events
    .map((e, i) => ({ e, k: order[i] ?? 0, i }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((x) => x.e);
  const at = [...new Set(cuts.map((c) => c % (sorted.length + 1)))].sort((a, b) => a - b);
  const out: T[][] = [];
  let from = 0;
  for (const c of [...at, sorted.length]) {
    if (c > from) out.push(sorted.slice(from, c));
    from = Math.max(from, c);
  }
  return out;
}

describe("a revert: the rollups and the evidence fold agree", () => {
  it("on any stream with reverts, in any batches and order, the WALK rollups per day equal the fold's evidence per day", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 24 }),
        fc.array(fc.nat(), { maxLength: 24 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        async (steps, order, cuts) => {
          const s = await inWalk();
          const events = eventsOf(s, steps, `rv${run++}`);
          let demoted = false;
          for (const batch of batched(events, order, cuts)) {
            const res = await ingestEvents(w.db, s.agent, batch, daysAgo(0));
            demoted ||= res.demotions.length > 0;
          }
          if (demoted) return; // a new stay starts a new evidence; the rollups keep the history
          const row = await w.db.actionType.findUniqueOrThrow({ where: { id: s.id }, select: EVIDENCE_STATE_SELECT });
          const fold = toEvidenceState(row);
          const rollups = await w.db.metricRollup.findMany({ where: { actionTypeId: s.id, tier: "WALK" } });
          const byDay = Object.fromEntries(
            rollups
              .filter((r) => r.successes + r.failures > 0)
              .map((r) => [dayOf(r.day), [r.successes, r.successes + r.failures]]),
          );
          expect(fold.days).toEqual(byDay);
          const total = Object.values(byDay).reduce<[number, number]>(([a, b], [c, d]) => [a + c!, b + d!], [0, 0]);
          expect([fold.successes, fold.trials]).toEqual(total);
        },
      ),
      {
        numRuns: 25,
        seed: 2010,
        // The revert sent before the event it reverts, in one batch, at the same instant.
        examples: [
          [
            [
              { type: "completed", minute: 60 },
              { type: "reverted", target: 0, after: 0, label: "WALK" },
            ],
            [1, 0],
            [],
          ],
        ],
      },
    );
  }, 240_000);
});
