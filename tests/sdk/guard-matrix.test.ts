// The guard (SPEC §8, issue 23 item 2) against the real server: tier × audience × freshness. For every
// cell it asserts whether `act` ran, what the guard answered, and what the server holds afterwards (the
// outcome event with the decided tier, or a pending proposal). The same expectation run against a host
// whose decide() always allows (a bypassed guard) must find violations, so this test fails if the
// guard stops guarding. Then CRAWL end to end: propose → a person edits → the edited call runs once.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callAction } from "../helpers/actions";
import { createKey, freePort, signInCookie, startServer, type TestServer } from "../helpers/server";
import { withStoppedServer } from "../helpers/stopped-store";
import { defaultPolicy } from "@cwr/gating/defaults";
import { createClient, CwrApiError, decideProposal, guard, type CwrClient, type GuardHost } from "@cwr/sdk";
import type { GuardResult } from "@cwr/sdk/guard";
import type { ProposalsContext } from "@cwr/sdk/proposals";
import type { Audience, Tier } from "@cwr/sdk/types";

type AgentName = "support" | "infra" | "sales";
type Freshness = "fresh" | "stale" | "never loaded" | "unreachable" | "bad key";

/** A tier situation; `acts` is the tier the subject is acted on at (null: suggest only), per audience. */
interface TierCase {
  name: string;
  agent: AgentName;
  action: string;
  /** a subject of this situation, unique per cell */
  subject(cell: number): Promise<string>;
  internal: Tier | null;
  external: Tier | null;
}

interface Cell {
  tier: TierCase;
  audience: string;
  freshness: Freshness;
  subject: string;
  index: number;
}

interface Expected {
  acts: boolean;
  status: GuardResult<unknown>["status"];
  tier?: Tier;
}

interface Observed {
  calls: number;
  status: GuardResult<unknown>["status"] | "threw";
  tier?: Tier;
  proposalId?: string;
  reported?: string;
}

const FRESHNESS: Freshness[] = ["fresh", "stale", "never loaded", "unreachable", "bad key"];
const AUDIENCES_TRIED = ["internal", "external", "everyone"];
const MAX_AGE_MS = 60_000;
const RATIONALE = "Guard matrix test set-up, decided on purpose by the test.";

/** What the guard must do, stated from the spec alone (not from the product's decide). */
function expected(cell: Cell): Expected {
  if (cell.freshness === "unreachable" || cell.freshness === "bad key") return { acts: false, status: "unavailable" };
  // An audience that is not one of ours is never acted on, and the server refuses to record it.
  if (cell.audience !== "internal" && cell.audience !== "external") return { acts: false, status: "unavailable" };
  if (cell.freshness !== "fresh") return { acts: false, status: "suggested" };
  const tier = cell.audience === "internal" ? cell.tier.internal : cell.tier.external;
  return tier === null ? { acts: false, status: "suggested" } : { acts: true, status: "acted", tier };
}

/** Every way the observation departs from the expectation (empty: the cell holds). */
function violations(cell: Cell, seen: Observed): string[] {
  const want = expected(cell);
  const out: string[] = [];
  if (seen.calls !== (want.acts ? 1 : 0)) out.push(`act ran ${seen.calls}× (expected ${want.acts ? 1 : 0})`);
  if (seen.status !== want.status) out.push(`status ${seen.status} (expected ${want.status})`);
  if (want.tier && seen.tier !== want.tier) out.push(`tier ${seen.tier} (expected ${want.tier})`);
  if (want.status === "suggested" && !seen.proposalId) out.push("no proposal");
  return out;
}

let server: TestServer;
const keys = {} as Record<AgentName, string>;
let helpdesk: ProposalsContext;
const clients: CwrClient[] = [];
const ids = new Map<string, { id: string; stateVersion: number; policyVersion: number }>();

function track(c: CwrClient) {
  clients.push(c);
  return c;
}

/** Asks the server's own decision for a subject (to find subjects inside and outside RUN's slider). */
async function serverAllows(agent: AgentName, action: string, audience: Audience, subject: string) {
  const res = await fetch(`${server.baseUrl}/api/v1/decisions`, {
    method: "POST",
    headers: { authorization: `Bearer ${keys[agent]}`, "content-type": "application/json" },
    body: JSON.stringify({ action, audience, subject }),
  });
  return ((await res.json()) as { allowed: boolean; reason: string }).allowed;
}

async function sliderSubject(cell: number, inside: boolean): Promise<string> {
  for (let k = 0; k < 200; k++) {
    const subject = `host-${cell}-${k}`;
    if ((await serverAllows("infra", "scale.adjust", "external", subject)) === inside) return subject;
  }
  throw new Error("no subject found on that side of the slider");
}

type TierInput = Omit<TierCase, "subject"> & Partial<Pick<TierCase, "subject">>;

const TIERS: TierCase[] = (
  [
    { name: "CRAWL", agent: "support", action: "refund.issue", internal: null, external: null },
    { name: "WALK", agent: "support", action: "ticket.escalate", internal: "WALK", external: null },
    { name: "RUN", agent: "support", action: "ticket.tag", internal: "RUN", external: "RUN" },
    { name: "frozen CRAWL", agent: "infra", action: "db.migrate", internal: null, external: null },
    // Freezing holds a tier (no promotion, no automatic move); it does not change what the tier allows.
    { name: "frozen WALK", agent: "infra", action: "deploy.rollback", internal: "WALK", external: null },
    {
      name: "RUN 50 %, subject inside",
      agent: "infra",
      action: "scale.adjust",
      internal: "RUN",
      external: "RUN",
      subject: (i) => sliderSubject(i, true),
    },
    {
      name: "RUN 50 %, subject outside (answered as WALK)",
      agent: "infra",
      action: "scale.adjust",
      internal: "WALK",
      external: null,
      subject: (i) => sliderSubject(i, false),
    },
    {
      name: "WALK with a contract, subject inside",
      agent: "sales",
      action: "lead.enrich",
      internal: "WALK",
      external: null,
      subject: async (i) => `staff:cell-${i}`,
    },
    {
      name: "WALK with a contract, subject outside",
      agent: "sales",
      action: "lead.enrich",
      internal: null,
      external: null,
      subject: async (i) => `customer:cell-${i}`,
    },
  ] satisfies TierInput[]
).map((t: TierInput) => ({ subject: async (i: number) => `customer:cell-${i}`, ...t }));

beforeAll(async () => {
  server = await startServer({ JOBS: "off" });
  const [support, infra, sales, reporter] = await Promise.all([
    createKey(server.baseUrl, "support-bot", "guard-matrix"),
    createKey(server.baseUrl, "infra-bot", "guard-matrix"),
    createKey(server.baseUrl, "sales-bot", "guard-matrix"),
    createKey(server.baseUrl, "support-bot", "helpdesk", "reporter"),
  ]);
  Object.assign(keys, { support, infra, sales });
  const ctx = (apiKey: string): ProposalsContext => ({ baseUrl: server.baseUrl, apiKey, fetch, now: Date.now });
  helpdesk = ctx(reporter);

  const admin = await signInCookie(server.baseUrl, "admin@demo.local");
  const reviewer = await signInCookie(server.baseUrl, "reviewer1@demo.local");
  const overview = (await (
    await fetch(`${server.baseUrl}/api/dashboard/overview?page=1`, { headers: { cookie: admin } })
  ).json()) as { rows: Array<{ key: string; id: string; stateVersion: number; policyVersion: number }> };
  for (const r of overview.rows) ids.set(r.key, r);

  // A person freezes deploy.rollback (WALK), as the dashboard does.
  const frozen = await fetch(`${server.baseUrl}/api/admin/action-types/${ids.get("deploy.rollback")!.id}/freeze`, {
    method: "POST",
    headers: { cookie: admin, "content-type": "application/json" },
    body: JSON.stringify({
      frozen: true,
      stateVersion: ids.get("deploy.rollback")!.stateVersion,
      rationale: RATIONALE,
    }),
  });
  expect(frozen.status).toBe(200);

  // RUN's slider lowered to 50 % on scale.adjust (a tightening: applied at once).
  const slider = await callAction(server.baseUrl, admin, "editPolicyAction", {
    actionTypeId: ids.get("scale.adjust")!.id,
    basedOnVersion: ids.get("scale.adjust")!.policyVersion,
    rules: { ...defaultPolicy("low"), slider: { percent: 50 } },
    reason: RATIONALE,
  });
  expect(slider.result).toMatchObject({ ok: true, data: { outcome: "applied" } });

  // sales-bot gets a contract of internal subjects (staff:*): asked by an admin, approved by its quorum of reviewers.
  const agents = (await (
    await fetch(`${server.baseUrl}/api/dashboard/admin/agents`, { headers: { cookie: admin } })
  ).json()) as { agents: Array<{ id: string; slug: string }> };
  const asked = await callAction(server.baseUrl, admin, "requestContractAdditionAction", {
    agentId: agents.agents.find((a) => a.slug === "sales-bot")!.id,
    entry: "staff:*",
    reason: RATIONALE,
  });
  const requestId = (asked.result as { data: { requestId: string } }).data.requestId;
  // An addition is a loosening: reviewers approve it, blind, until its quorum is reached.
  let status = "open";
  for (let i = 1; i <= 3 && status === "open"; i++) {
    const cookie = i === 1 ? reviewer : await signInCookie(server.baseUrl, `reviewer${i}@demo.local`);
    const approved = await callAction(server.baseUrl, cookie, "decideContractAdditionAction", {
      requestId,
      decision: "approve",
      rationale: RATIONALE,
    });
    expect(approved.result).toMatchObject({ ok: true });
    status = (approved.result as { data: { status: string } }).data.status;
  }
  expect(status).toMatch(/^(approved|applied)$/);
}, 240_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close({ timeoutMs: 100 })));
  await server?.stop();
});

/** One client per agent and freshness, built the way that freshness arises. */
async function clientsFor(agent: AgentName): Promise<Record<Freshness, CwrClient>> {
  const base = { baseUrl: server.baseUrl, apiKey: keys[agent], stream: false, pollMs: 3_600_000, maxAgeMs: MAX_AGE_MS };
  // Fresh stays fresh however slow the shared machine is: it polls well within maxAgeMs.
  const fresh = track(createClient({ ...base, pollMs: 5_000, reporter: { flushIntervalMs: 20 } }));
  let clock = Date.now();
  const stale = track(createClient({ ...base, now: () => clock }));
  const never = track(createClient({ ...base, lazy: true }));
  const unreachable = track(
    createClient({ ...base, baseUrl: `http://127.0.0.1:${await freePort()}`, backoff: { initialMs: 50, maxMs: 200 } }),
  );
  const badKey = track(createClient({ ...base, apiKey: `cwr_${randomUUID().replace(/-/g, "")}` }));
  expect(await fresh.ready(10_000)).toBe(true);
  expect(await stale.ready(10_000)).toBe(true);
  clock += MAX_AGE_MS + 1; // the data was loaded, then maxAgeMs passed without news
  expect(await unreachable.ready(300)).toBe(false);
  for (let t = Date.now(); badKey.status().lastError === null && Date.now() - t < 10_000;)
    await new Promise((r) => setTimeout(r, 20));
  expect(badKey.status()).toMatchObject({ state: "error", lastError: { status: 401 } });
  return { fresh, stale, "never loaded": never, unreachable, "bad key": badKey };
}

type Host = (client: CwrClient) => GuardHost;

/** Runs every cell through `guard` with `hostOf(client)` (null: the client's own guard). */
async function runMatrix(cells: Cell[], byAgent: Record<AgentName, Record<Freshness, CwrClient>>, hostOf: Host | null) {
  const observed: Observed[] = [];
  for (const cell of cells) {
    const client = byAgent[cell.tier.agent][cell.freshness];
    let calls = 0;
    const act = (p: Record<string, unknown>) => {
      calls++;
      return { done: p.n };
    };
    const request = {
      action: cell.tier.action,
      audience: cell.audience as Audience,
      subject: cell.subject,
      summary: `Guard matrix cell ${cell.index}`,
      parameters: { n: cell.index },
      idempotencyKey: `guard-matrix-${randomUUID()}`,
    };
    const host = hostOf?.(client) ?? null;
    const r = host ? await guard(host, request, act) : await client.guard(request, act);
    observed.push({
      calls,
      status: r.status,
      ...(r.status === "acted" ? { tier: r.tier, reported: r.reported } : {}),
      ...(r.status === "suggested" ? { proposalId: r.proposal.id } : {}),
    });
  }
  return observed;
}

/** The guard with its decision replaced by "always allowed": what a bypass looks like from outside. */
const bypassed: Host = (client) => ({
  agent: client.agent,
  decide: () => ({
    allowed: true,
    mode: "act_external",
    tier: "RUN",
    answeredAs: "RUN",
    limitedBy: null,
    reason: "bypassed",
  }),
  report: () => `bypass-${randomUUID()}`, // nothing reaches the server from the broken run
  propose: (input) => client.propose(input),
  awaitDecision: (id, o) => client.awaitDecision(id, o),
  consume: (id, digest) => client.consume(id, digest),
});

const cells: Cell[] = [];
let seen: Observed[] = [];
let byAgent: Record<AgentName, Record<Freshness, CwrClient>>;
const thrown: Array<{ subject: string; tier: Tier; action: string }> = [];
const expiring: { pending?: string; accepted?: string } = {};
/** CRAWL outcomes the decisions must have recorded, by subject: [kind, source prefix] */
const decided: Array<{ subject: string; kind: string; source: string }> = [];

describe("the guard against the real server", () => {
  it("acts exactly where tier, audience and fresh data allow it; everywhere else proposes or stays unavailable", async () => {
    byAgent = {
      support: await clientsFor("support"),
      infra: await clientsFor("infra"),
      sales: await clientsFor("sales"),
    };
    // The set-up took: the contract, the slider and the freeze are what the agents see.
    expect(byAgent.infra.fresh.get("deploy.rollback")).toMatchObject({ tier: "WALK", frozen: true });
    expect(byAgent.infra.fresh.get("db.migrate")).toMatchObject({ tier: "CRAWL", frozen: true });
    expect(byAgent.infra.fresh.get("scale.adjust")).toMatchObject({ tier: "RUN", slider: { percent: 50 } });
    expect(byAgent.sales.fresh.get("lead.enrich")).toMatchObject({ tier: "WALK", contract: { entries: ["staff:*"] } });

    let index = 0;
    for (const tier of TIERS)
      for (const audience of AUDIENCES_TRIED)
        for (const freshness of FRESHNESS) {
          index++;
          cells.push({ tier, audience, freshness, index, subject: await tier.subject(index) });
        }
    seen = await runMatrix(cells, byAgent, null);

    const failures = cells
      .map((c, i) => ({ c, v: violations(c, seen[i]!) }))
      .filter((x) => x.v.length > 0)
      .map((x) => `${x.c.tier.name} × ${x.c.audience} × ${x.c.freshness}: ${x.v.join(", ")}`);
    expect(failures).toEqual([]);
    // Not a matrix that cannot fail: it holds acting, suggesting and unavailable cells.
    const statuses = new Set(seen.map((s) => s.status));
    expect([...statuses].sort()).toEqual(["acted", "suggested", "unavailable"]);

    // Every suggestion is a pending proposal on the server, holding exactly what was asked.
    for (const [i, cell] of cells.entries()) {
      const id = seen[i]!.proposalId;
      if (!id) continue;
      const key = keys[cell.tier.agent];
      const res = await fetch(`${server.baseUrl}/api/v1/proposals/${id}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        status: "pending",
        action: cell.tier.action,
        audience: cell.audience,
        subject: cell.subject,
        parameters: { n: cell.index },
        decision: null,
      });
    }
  }, 240_000);

  it("an act that throws is reported as action.escalated at the decided tier, and the error reaches the caller", async () => {
    for (const [agent, action, tier, audience] of [
      ["support", "ticket.tag", "RUN", "external"],
      ["support", "ticket.escalate", "WALK", "internal"],
    ] as const) {
      const subject = `customer:throws-${randomUUID()}`;
      let calls = 0;
      const boom = new Error("the downstream refused");
      const outcome = await byAgent[agent].fresh
        .guard({ action, audience, subject, summary: "throws", parameters: {} }, () => {
          calls++;
          throw boom;
        })
        .catch((e: unknown) => e);
      expect(outcome).toBe(boom);
      expect(calls).toBe(1);
      thrown.push({ subject, tier, action });
    }
  });

  it("a bypassed guard (decide always allowed) is caught by the same expectations", async () => {
    const broken = await runMatrix(cells, byAgent, bypassed);
    const mustNotAct = cells.filter((c) => !expected(c).acts);
    expect(mustNotAct.length).toBeGreaterThan(0);
    // Every cell where act must not run is flagged for exactly that: the act ran.
    const missed = mustNotAct.filter(
      (c) => !violations(c, broken[c.index - 1]!).some((v) => v.startsWith("act ran 1×")),
    );
    expect(missed.map((c) => `${c.tier.name} × ${c.audience} × ${c.freshness}`)).toEqual([]);
  }, 120_000);

  it("CRAWL end to end: proposed, edited by a person, the edited call runs once; a second carry-out is refused", async () => {
    const client = byAgent.support.fresh;
    const calls: Array<Record<string, unknown>> = [];
    const act = (p: Record<string, unknown>) => {
      calls.push(p);
      return `refunded ${String(p.amount)}`;
    };
    const subject = `customer:e2e-${randomUUID()}`;
    decided.push({ subject, kind: "suggestion.edited", source: "reporter:" });
    const r = await client.guard(
      {
        action: "refund.issue",
        audience: "external",
        subject,
        summary: "Refund E-1",
        parameters: { order: "E-1", amount: 40 },
      },
      act,
    );
    expect(calls).toEqual([]);
    if (r.status !== "suggested") throw new Error(`expected a suggestion, got ${r.status}`);

    // Not decided yet: awaiting returns pending and runs nothing.
    expect(await client.awaitDecision(r.proposal, act, { timeoutMs: 500 })).toMatchObject({ status: "pending" });
    expect(calls).toEqual([]);

    await decideProposal(helpdesk, r.proposal.id, {
      decision: "edit",
      parameters: { order: "E-1", amount: 25 },
      decidedBy: "zendesk-user-5",
    });
    const done = await client.awaitDecision(r.proposal, act, { timeoutMs: 5_000 });
    expect(done).toMatchObject({ status: "acted", result: "refunded 25", parameters: { order: "E-1", amount: 25 } });
    expect(calls).toEqual([{ order: "E-1", amount: 25 }]);

    const again = await client.awaitDecision(r.proposal, act, { timeoutMs: 5_000 });
    expect(again.status).toBe("refused");
    expect(calls).toHaveLength(1);
    const stored = (await (
      await fetch(`${server.baseUrl}/api/v1/proposals/${r.proposal.id}`, {
        headers: { authorization: `Bearer ${keys.support}` },
      })
    ).json()) as { status: string; consumedAt: string | null };
    expect(stored).toMatchObject({ status: "edited", consumedAt: expect.any(String) });
  });

  it("an operator edits the suggestion in the dashboard's queue: the edited call runs once", async () => {
    const client = byAgent.support.fresh;
    const calls: Array<Record<string, unknown>> = [];
    const act = (p: Record<string, unknown>) => calls.push(p);
    const subject = `customer:queue-${randomUUID()}`;
    const r = await client.guard(
      {
        action: "refund.issue",
        audience: "external",
        subject,
        summary: "Refund Q-1",
        parameters: { order: "Q-1", amount: 80 },
      },
      act,
    );
    if (r.status !== "suggested") throw new Error(`expected a suggestion, got ${r.status}`);
    const operator = await signInCookie(server.baseUrl, "operator@demo.local");
    const answer = await callAction(server.baseUrl, operator, "decideSuggestionAction", {
      id: r.proposal.id,
      decision: { type: "edit", parameters: { order: "Q-1", amount: 60 } },
    });
    expect(answer.result).toMatchObject({ ok: true });
    expect(await client.awaitDecision(r.proposal, act, { timeoutMs: 5_000 })).toMatchObject({ status: "acted" });
    expect(await client.awaitDecision(r.proposal, act, { timeoutMs: 5_000 })).toMatchObject({ status: "refused" });
    expect(calls).toEqual([{ order: "Q-1", amount: 60 }]);
    decided.push({ subject, kind: "suggestion.edited", source: "person:" });
  });

  it("a rejected proposal never runs act", async () => {
    const client = byAgent.support.fresh;
    let calls = 0;
    const act = () => calls++;
    const r = await client.guard(
      {
        action: "refund.issue",
        audience: "external",
        subject: "customer:rej",
        summary: "Refund R-1",
        parameters: { order: "R-1" },
      },
      act,
    );
    if (r.status !== "suggested") throw new Error(`expected a suggestion, got ${r.status}`);
    await decideProposal(helpdesk, r.proposal.id, {
      decision: "reject",
      reason: "Not eligible: the order is older than 90 days.",
      decidedBy: "zendesk-user-5",
    });
    expect(await client.awaitDecision(r.proposal, act, { timeoutMs: 5_000 })).toMatchObject({ status: "rejected" });
    expect(calls).toBe(0);
    // The grant does not exist either: consuming with the proposal's own digest is refused.
    const refused = await client.consume(r.proposal.id, r.proposal.digest).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CwrApiError);

    // Two proposals left to expire: one never decided, one accepted but never carried out.
    const pending = await client.guard(
      {
        action: "refund.issue",
        audience: "external",
        subject: "customer:exp-1",
        summary: "Refund X-1",
        parameters: { order: "X-1" },
      },
      act,
    );
    const accepted = await client.guard(
      {
        action: "refund.issue",
        audience: "external",
        subject: "customer:exp-2",
        summary: "Refund X-2",
        parameters: { order: "X-2" },
      },
      act,
    );
    if (pending.status !== "suggested" || accepted.status !== "suggested") throw new Error("expected suggestions");
    await decideProposal(helpdesk, accepted.proposal.id, { decision: "accept", decidedBy: "zendesk-user-5" });
    expiring.pending = pending.proposal.id;
    expiring.accepted = accepted.proposal.id;
    expect(calls).toBe(0);
  });

  it("the server recorded each acted cell once, at the decided tier, and nothing for any other cell; expired proposals never run", async () => {
    for (const c of clients) await c.reporter.flush().catch(() => {});
    for (const a of ["support", "infra", "sales"] as const) {
      expect(byAgent[a].fresh.reporter.stats()).toMatchObject({ rejected: 0, pending: 0 });
    }
    // Read the store itself (the embedded database has one owner: the server is stopped, then restarted).
    await withStoppedServer(
      server,
      async (db) => {
        const subjects = [...cells.map((c) => c.subject), ...thrown.map((t) => t.subject)];
        const events = await db.outcomeEvent.findMany({
          where: { subjectRef: { in: subjects } },
          select: {
            subjectRef: true,
            kind: true,
            tier: true,
            source: true,
            idempotencyKey: true,
            actionType: { select: { key: true } },
          },
        });
        const bySubject = new Map<string, Array<Omit<(typeof events)[number], "kind"> & { kind: string }>>();
        // The database spells kinds with an underscore (action_completed); the API with a dot.
        for (const e of events.map((e) => ({ ...e, kind: e.kind.replace("_", ".") })))
          bySubject.set(e.subjectRef!, [...(bySubject.get(e.subjectRef!) ?? []), e]);
        for (const [i, cell] of cells.entries()) {
          const want = expected(cell);
          const got = bySubject.get(cell.subject) ?? [];
          const where = `${cell.tier.name} × ${cell.audience} × ${cell.freshness}`;
          if (!want.acts) {
            expect(got, where).toEqual([]);
            continue;
          }
          expect(got, where).toEqual([
            {
              subjectRef: cell.subject,
              kind: "action.completed",
              tier: want.tier,
              source: "agent",
              idempotencyKey: seen[i]!.reported,
              actionType: { key: cell.tier.action },
            },
          ]);
        }
        for (const t of thrown)
          expect(bySubject.get(t.subject)).toEqual([
            expect.objectContaining({ kind: "action.escalated", tier: t.tier, actionType: { key: t.action } }),
          ]);
        // Each person's decision is the CRAWL outcome, attributed to who decided it.
        const outcomes = await db.outcomeEvent.findMany({
          where: { subjectRef: { in: decided.map((d) => d.subject) } },
          select: { subjectRef: true, kind: true, source: true },
        });
        expect(
          outcomes.map((e) => ({
            subject: e.subjectRef,
            kind: e.kind.replace("_", "."),
            source: e.source.slice(0, e.source.indexOf(":") + 1),
          })),
        ).toEqual(expect.arrayContaining(decided));
        expect(outcomes).toHaveLength(decided.length);
        // Time passes beyond both proposals' expiry (the server's own clock cannot be moved).
        const moved = await db.proposal.updateMany({
          where: { id: { in: [expiring.pending!, expiring.accepted!] } },
          data: { expiresAt: new Date(Date.now() - 60_000) },
        });
        expect(moved.count).toBe(2);
      },
      { restart: true },
    );
    const client = byAgent.support.fresh;
    for (const id of [expiring.pending!, expiring.accepted!]) {
      let calls = 0;
      const out = await client.awaitDecision({ id }, () => calls++, { timeoutMs: 5_000 });
      expect(out.status).toBe("expired");
      expect(calls).toBe(0);
    }
  }, 180_000);
});
