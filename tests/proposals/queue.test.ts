// The suggestions queue's reading (issue 22 item 2): waiting suggestions per agent and action type,
// oldest first, each with its summary, parameters, the action type's tier and its evidence in words;
// decided and expired ones are not waiting. The count is what the navigation shows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/keys/mutations";
import { SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { ingestEvents } from "@/lib/events/mutations";
import { createProposal, decideSuggestion } from "@/lib/proposals/mutations";
import { countWaitingSuggestions, waitingSuggestions } from "@/lib/proposals/data";
import { newSubject, openWorld, type Subject, type World } from "../governance/world";

let w: World;
let a: Subject;
let b: Subject;
const T0 = new Date(Date.now() - 3_600_000);
const at = (min: number) => new Date(T0.getTime() + min * 60_000);
let n = 0;

const propose = (s: Subject, summary: string, when: Date, amount = 10) =>
  createProposal(
    w.db,
    s.agent,
    {
      idempotencyKey: `q-${++n}`,
      action: s.key,
      audience: "external",
      subject: `customer:${n}`,
      summary,
      parameters: { amount },
    },
    when,
  ).then((r) => r.proposal);

beforeAll(async () => {
  w = await openWorld();
  a = await newSubject(w.db);
  b = await newSubject(w.db);
  const helpdesk = await createApiKey(w.db, SYSTEM_ACTOR, {
    agentId: a.agent.id,
    name: "the helpdesk",
    scope: "reporter",
  });
  await ingestEvents(w.db, { ...a.agent, source: `reporter:${helpdesk.id}` }, [
    {
      idempotencyKey: "h-1",
      action: a.key,
      kind: "suggestion.accepted",
      tier: "CRAWL",
      occurredAt: at(0).toISOString(),
    },
  ]);
  await propose(b, "B first", at(1));
  await propose(a, "A first", at(2), 11);
  await propose(a, "A second", at(3), 12);
  const decided = await propose(a, "A decided", at(4));
  await decideSuggestion(w.db, w.people.admin, decided.id, { type: "accept" }, at(5));
  await createProposal(
    w.db,
    b.agent,
    { idempotencyKey: "old", action: b.key, audience: "external", subject: "c", summary: "B expired", parameters: {} },
    new Date(Date.now() - 48 * 3_600_000),
  );
}, 60_000);
afterAll(async () => w?.database.close());

describe("the suggestions queue", () => {
  it("groups waiting suggestions per agent and action type, oldest first", async () => {
    const groups = await waitingSuggestions(w.db);
    const mine = groups.filter((g) => [a.key, b.key].includes(g.action));
    expect(mine.map((g) => [g.agent, g.action])).toEqual([
      [b.agent.slug, b.key],
      [a.agent.slug, a.key],
    ]);
    const ga = mine[1]!;
    expect(ga.suggestions.map((s) => s.summary)).toEqual(["A first", "A second"]);
    expect(ga.suggestions[0]).toMatchObject({ parameters: { amount: 11 }, audience: "external" });
    expect(ga.tier).toBe("CRAWL");
    expect(ga.evidence).toBe("2 outcomes: 1 reported by the helpdesk, 1 decided by people, 0 self-reported");
    expect(mine[0]!.suggestions.map((s) => s.summary)).toEqual(["B first"]);
  });

  it("counts what waits (not the decided, not the expired)", async () => {
    const groups = await waitingSuggestions(w.db);
    const total = groups.reduce((sum, g) => sum + g.suggestions.length, 0);
    expect(await countWaitingSuggestions(w.db)).toBe(total);
    expect(total).toBe(3);
  });
});
