// A system of record decides a proposal through a reporter key (issue 22 item 2/4):
// POST /api/v1/proposals/{id}/decision, called through the real Next route on the real database.
// Recorded exactly once (source reporter:<key id>, the system's own user named in metadata), even
// when the system retries; the agent's own key may not decide its own proposals.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/keys/mutations";
import { SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { keyMayUse } from "@cwr/gating/evidence-source";
import { createProposal } from "@/lib/proposals/mutations";
import { openWorld, newSubject, type Subject, type World } from "../governance/world";

let w: World;
let s: Subject;
let other: Subject;
let reporter: { id: string; secret: string };
let otherReporter: { id: string; secret: string };
let agentKey: { id: string; secret: string };
let n = 0;

beforeAll(async () => {
  w = await openWorld();
  (globalThis as { __cwrDatabase?: Promise<unknown> }).__cwrDatabase = Promise.resolve(w.database);
  s = await newSubject(w.db);
  other = await newSubject(w.db);
  reporter = await createApiKey(w.db, SYSTEM_ACTOR, {
    agentId: s.agent.id,
    name: "payments ledger",
    scope: "reporter",
  });
  otherReporter = await createApiKey(w.db, SYSTEM_ACTOR, { agentId: other.agent.id, name: "x", scope: "reporter" });
  agentKey = await createApiKey(w.db, SYSTEM_ACTOR, { agentId: s.agent.id, name: "bot" });
}, 60_000);
afterAll(async () => w?.database.close());

const propose = async () =>
  (
    await createProposal(w.db, s.agent, {
      idempotencyKey: `rd-${++n}`,
      action: s.key,
      audience: "external",
      subject: "customer:5",
      summary: "Refund order A-5",
      parameters: { amount: 40, currency: "EUR" },
    })
  ).proposal;

async function decide(id: string, body: unknown, secret = reporter.secret) {
  const { POST } = await import("@/app/api/v1/proposals/[id]/decision/route");
  const res = await POST(
    new Request(`http://test/api/v1/proposals/${id}/decision`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ id }) },
  );
  return { status: res.status, body: (await res.json()) as { status?: string; error?: unknown; [k: string]: unknown } };
}

const eventsOf = (proposalId: string) =>
  w.db.outcomeEvent.findMany({
    where: { agentId: s.agent.id, metadata: { path: ["proposalId"], equals: proposalId } },
  });

describe("POST /api/v1/proposals/{id}/decision with a reporter key", () => {
  it("records the decision once as the reporter's, naming the system's own user", async () => {
    const p = await propose();
    const r = await decide(p.id, {
      decision: "edit",
      parameters: { amount: 30, currency: "EUR" },
      decidedBy: "agent-17",
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: p.id, status: "edited", decision: { parameters: { amount: 30 } } });
    const events = await eventsOf(p.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ source: `reporter:${reporter.id}`, kind: "suggestion_edited" });
    expect(events[0]!.metadata).toMatchObject({
      decidedBy: { type: "reporter", keyId: reporter.id, person: "agent-17" },
    });
    const audit = await w.db.auditEntry.findMany({ where: { entityId: p.id, kind: "suggestion.edited" } });
    expect(audit).toHaveLength(1);
  });

  it("answers retried and concurrent calls with the one decision: still one outcome event", async () => {
    const p = await propose();
    const body = { decision: "accept", decidedBy: "agent-3" };
    const all = await Promise.all(Array.from({ length: 8 }, () => decide(p.id, body)));
    for (const r of all) expect([200, 409]).toContain(r.status);
    expect(all.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
    const retry = await decide(p.id, body);
    expect(retry.status).toBe(200);
    expect(retry.body.status).toBe("accepted");
    expect(await eventsOf(p.id)).toHaveLength(1);
    // a different decision afterwards is refused and changes nothing
    const late = await decide(p.id, {
      decision: "reject",
      reason: "The order was refunded already.",
      decidedBy: "agent-3",
    });
    expect(late.status).toBe(409);
    expect(await eventsOf(p.id)).toHaveLength(1);
  });

  it("refuses the agent's own key (no self-approval) and another agent's reporter, changing nothing", async () => {
    const p = await propose();
    const own = await decide(p.id, { decision: "accept", decidedBy: "x" }, agentKey.secret);
    expect(own.status).toBe(403);
    const foreign = await decide(p.id, { decision: "accept", decidedBy: "x" }, otherReporter.secret);
    expect(foreign.status).toBe(404);
    expect(await eventsOf(p.id)).toHaveLength(0);
    expect((await w.db.proposal.findUnique({ where: { id: p.id } }))!.status).toBe("pending");
  });

  it("refuses bad input in the one error model: no person named, a reason too short, stray fields", async () => {
    const p = await propose();
    for (const body of [
      { decision: "accept" },
      { decision: "reject", reason: "no", decidedBy: "a" },
      { decision: "accept", decidedBy: "a", parameters: { amount: 1 } },
      { decision: "maybe", decidedBy: "a" },
      { decision: "accept", decidedBy: "a\u0000b" },
    ]) {
      const r = await decide(p.id, body);
      expect(r.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    }
    expect(await eventsOf(p.id)).toHaveLength(0);
  });

  it("is what a reporter key may use and an agent key may not", () => {
    expect(keyMayUse("reporter", "decide" as never)).toBe(true);
    expect(keyMayUse("agent", "decide" as never)).toBe(false);
    expect(keyMayUse("reporter", "read")).toBe(false);
  });
});
