// Issue 26 item 1: the replay reads its outcomes in a compact page encoding (lib/replay/page.ts). The
// decoded pages must give back every stored outcome exactly as the table holds it, in storage order —
// every kind, tier, severity, version (none included), source, a revert of a stored event and of a
// missing one, batches split across pages, another action type's rows interleaved — and the replay over
// them must still equal the live fold through tier changes and a policy change.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENT_KINDS, SEVERITIES, TIERS, type EventKind, type Tier } from "@cwr/gating/types";
import type { FoldOutcome } from "@cwr/gating/evidence-fold";
import { defaultPolicy } from "@cwr/gating/defaults";
import { insertEvents, type EventRow } from "@/lib/events/insert";
import { ingestEvents } from "@/lib/events/mutations";
import { editPolicy } from "@/lib/policies/mutations";
import { demoteManually } from "@/lib/action-types/mutations";
import { outcomePages, replayActionType } from "@/lib/replay/data";
import { decodePage } from "@/lib/replay/page";
import { toEvidenceState, EVIDENCE_STATE_SELECT } from "@/lib/metrics/evidence-state";
import { makeActionType } from "../helpers/fixtures";
import { daysAgo, newSubject, NOW, openWorld, overrideUp, type World } from "./world";

let w: World;
beforeAll(async () => {
  w = await openWorld();
}, 120_000);
afterAll(async () => w?.database.close());

const SOURCES = [
  "agent",
  "reporter:3f1c0d9e-1b61-4bb2-9d43-2d8f6f0f4c11",
  "person:8a6f0b1e-7f9f-4b7e-a1d1-5b1c9f0e2a33",
];

interface Stored {
  outcome: FoldOutcome;
  receivedAt: number;
}

/** What the table holds for the action type, read the plain way (Prisma, one row at a time). */
async function storedOutcomes(actionTypeId: string): Promise<Stored[]> {
  const rows = await w.db.outcomeEvent.findMany({ where: { actionTypeId }, orderBy: { id: "asc" } });
  const out: Stored[] = [];
  for (const r of rows) {
    const target = r.reverts
      ? await w.db.outcomeEvent.findFirst({
          where: { agentId: r.agentId, idempotencyKey: r.reverts },
        })
      : null;
    out.push({
      outcome: {
        kind: r.kind.replace("_", ".") as EventKind,
        tier: r.tier,
        occurredAt: r.occurredAt.getTime(),
        agentVersion: r.agentVersion || null,
        severity: r.severity,
        reverts: target
          ? {
              kind: target.kind.replace("_", ".") as EventKind,
              tier: target.tier,
              occurredAt: target.occurredAt.getTime(),
              agentVersion: target.agentVersion || null,
            }
          : null,
        source: r.source as FoldOutcome["source"],
      },
      receivedAt: r.receivedAt.getTime(),
    });
  }
  return out;
}

async function decodedOutcomes(actionTypeId: string, pageSize: number): Promise<Stored[]> {
  const out: Stored[] = [];
  for await (const text of outcomePages(w.db, actionTypeId, pageSize)) {
    const page = decodePage(text);
    page.outcomes.forEach((outcome, i) => out.push({ outcome, receivedAt: page.receivedAt[i]! }));
  }
  return out;
}

const eventArb = fc.record({
  kind: fc.constantFrom(...EVENT_KINDS),
  tier: fc.constantFrom(...TIERS),
  severity: fc.option(fc.constantFrom(...SEVERITIES), { nil: null }),
  version: fc.constantFrom("", "v1", "v2", "2.0.0-rc.1"),
  source: fc.constantFrom(...SOURCES),
  // ms before the batch's arrival: equal times inside a batch keep their storage order
  ago: fc.integer({ min: 0, max: 40 * 86_400_000 }).map((n) => n - (n % 7)),
  // a revert: of an earlier event of this history (an index) or of one that was never stored
  reverts: fc.option(fc.oneof(fc.nat(200), fc.constant(-1)), { nil: null, freq: 3 }),
  other: fc.boolean(), // this row goes to another action type of the same agent
});
const historyArb = fc.array(fc.array(eventArb, { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 6 });

describe("the replay's page encoding", () => {
  it("round-trips every stored outcome in storage order, whatever the page size (property)", async () => {
    const s = await newSubject(w.db, "low", daysAgo(60));
    const other = await makeActionType(w.db, s.agent.id, "low", daysAgo(60));
    let run = 0;
    await fc.assert(
      fc.asyncProperty(historyArb, fc.integer({ min: 1, max: 9 }), async (history, pageSize) => {
        // A fresh action type per run: a history of its own.
        const at = run++ === 0 ? { id: s.id } : await makeActionType(w.db, s.agent.id, "low", daysAgo(60));
        let n = 0;
        const keys: string[] = [];
        const reverted = new Set<string>(); // each event is reverted at most once (a unique key)
        for (const [b, batch] of history.entries()) {
          const receivedAt = new Date(daysAgo(20).getTime() + b * 3_600_000);
          const revertOf = (i: number | null, key: string) => {
            if (i === null) return null;
            const target = i >= 0 && i < keys.length - 1 ? keys[i]! : `never-stored-${key}`;
            if (reverted.has(target)) return null;
            reverted.add(target);
            return target;
          };
          const rows: EventRow[] = batch.map((e) => {
            const key = `r${run}-${n++}`;
            keys.push(key);
            return {
              actionTypeId: e.other ? other.id : at.id,
              kind: e.kind,
              tier: e.tier,
              severity: e.severity,
              occurredAt: new Date(receivedAt.getTime() - e.ago),
              idempotencyKey: key,
              agentVersion: e.version,
              subjectRef: null,
              metadata: null,
              reverts: revertOf(e.reverts, key),
              source: e.source,
            };
          });
          await w.db.$transaction((tx) => insertEvents(tx, s.agent.id, receivedAt, rows));
        }
        const stored = await storedOutcomes(at.id);
        expect(await decodedOutcomes(at.id, pageSize)).toEqual(stored);
        expect(await decodedOutcomes(at.id, 20_000)).toEqual(stored);
      }),
      { numRuns: 15 },
    );
  }, 240_000);

  it("the replay over the pages equals the live fold through every kind, tier changes and a policy change", async () => {
    const s = await newSubject(w.db, "low", daysAgo(30));
    let k = 0;
    const send = async (tier: Tier, kinds: EventKind[], at: Date, extra: Record<string, unknown> = {}) => {
      const batch = kinds.map((kind, i) => ({
        idempotencyKey: `live-${k++}`,
        action: s.key,
        kind,
        tier,
        occurredAt: new Date(at.getTime() - 60_000 + i * 1_000).toISOString(),
        agentVersion: i % 5 === 4 ? "v2" : "v1",
        ...(kind === "incident" ? { severity: "low" } : {}),
        ...extra,
      }));
      const res = await ingestEvents(w.db, s.agent, batch, at);
      expect(res.rejected).toBe(0);
    };
    const crawl: EventKind[] = ["suggestion.accepted", "suggestion.edited", "suggestion.rejected", "incident"];
    const walk: EventKind[] = [
      "action.completed",
      "action.escalated",
      "outcome.positive",
      "outcome.negative",
      "action.completed",
    ];
    for (let d = 29; d > 20; d--) await send("CRAWL", [...crawl, ...crawl.slice(0, 2)], daysAgo(d));
    await overrideUp(w, s, daysAgo(20));
    for (let d = 19; d > 10; d--) await send("WALK", walk, daysAgo(d));
    // a revert of a stored success (a failure now) and of one never stored
    await ingestEvents(
      w.db,
      s.agent,
      [
        {
          idempotencyKey: `live-${k++}`,
          action: s.key,
          kind: "action.reverted",
          tier: "WALK",
          occurredAt: daysAgo(10).toISOString(),
          reverts: `live-${k - 20}`,
          agentVersion: "v1",
        },
        {
          idempotencyKey: `live-${k++}`,
          action: s.key,
          kind: "action.reverted",
          tier: "WALK",
          occurredAt: daysAgo(10).toISOString(),
          reverts: "never-stored",
          agentVersion: "v1",
        },
      ],
      daysAgo(10),
    );
    const rules = defaultPolicy("low");
    rules.tiers.WALK.demotion!.minSamples = 10;
    expect(
      (
        await editPolicy(
          w.db,
          w.people.admin,
          { actionTypeId: s.id, rules, reason: "Demote sooner: reverted refunds are piling up." },
          daysAgo(9),
        )
      ).outcome,
    ).toBe("applied");
    for (let d = 8; d > 5; d--) await send("WALK", walk, daysAgo(d));
    await demoteManually(
      w.db,
      w.people.reviewer1,
      { actionTypeId: s.id, rationale: "Reverted refunds doubled since Tuesday's deploy." },
      daysAgo(5),
    );
    for (let d = 4; d > 0; d--) await send("CRAWL", crawl, daysAgo(d));

    const live = await w.db.actionType.findUniqueOrThrow({
      where: { id: s.id },
      select: { tier: true, frozen: true, ...EVIDENCE_STATE_SELECT },
    });
    for (const pageSize of [3, 20_000]) {
      const run = await replayActionType(w.db, s.id, { promote: "as_recorded", pageSize, now: NOW });
      expect(run.outcomes).toBe(await w.db.outcomeEvent.count({ where: { actionTypeId: s.id } }));
      expect(run.changes.filter((c) => c.from !== c.to).map((c) => [c.from, c.to, c.cause])).toEqual(
        run.actual.changes.map((c) => [c.from, c.to, c.cause]),
      );
      expect(run.actual.changes.length).toBeGreaterThanOrEqual(2);
      expect({ tier: run.tier, frozen: run.frozen }).toEqual({ tier: live.tier, frozen: live.frozen });
      const state = toEvidenceState(live);
      expect({
        successes: run.state.successes,
        trials: run.state.trials,
        restarts: run.state.restarts,
        days: run.state.days,
        stayDays: run.state.stayDays,
        sources: run.state.sources,
      }).toEqual({
        successes: state.successes,
        trials: state.trials,
        restarts: state.restarts,
        days: state.days,
        stayDays: state.stayDays,
        sources: state.sources,
      });
      expect(run.state.cusum).toBeCloseTo(state.cusum, 9);
    }
  }, 120_000);
});
