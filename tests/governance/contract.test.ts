// WALK's contract (issue 22 item 5) against the real database and the agent routes' own handlers:
// an agent with internal subjects gets `internal` only for them, on decisions, OFREP and the SDK alike;
// adding a subject waits for a second person's review, removing one applies at once; both are audited.
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { forgetAgentTiers } from "@/lib/action-types/tier-cache";
import { agentTier } from "@/lib/action-types/data";
import { startTierListener, stopTierListener } from "@/lib/db/notify";
import { AGENT_ROUTES } from "@/lib/http/agent-routes";
import type { KeyPrincipal } from "@/lib/keys/data";
import { decideLocally, toTierView } from "@cwr/sdk";
import { agentContract } from "@/lib/contracts/data";
import { decideContractAddition, removeContractEntry, requestContractAddition } from "@/lib/contracts/mutations";
import { eligibleWalk, later, openWorld, RATIONALE, refused, type Subject, type World } from "./world";

// Before the imports run: a TTL no test waits for, so only the NOTIFY can refresh a cached entry.
vi.hoisted(() => {
  process.env.TIER_CACHE_MS = "60000";
});

let w: World;
let s: Subject;
beforeAll(async () => {
  w = await openWorld();
  await startTierListener(w.database); // the process's LISTEN, as the server runs it
  s = await eligibleWalk(w); // in WALK: internal acts are allowed, external ones are not
}, 60_000);
afterAll(async () => {
  await stopTierListener();
  await w?.database.close();
});

// The LISTEN notice reaches the cache soon after commit; the bound only detects one that never comes,
// generous because CI runners are loaded (latency is a benchmark row, not a test).
const until = async (ok: () => Promise<boolean>, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!(await ok()) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return ok();
};

const keyOf = (x: Subject): KeyPrincipal =>
  ({ keyId: randomBytes(8).toString("hex"), agentId: x.agent.id, agentSlug: x.agent.slug }) as KeyPrincipal;

type Answered = { status: number; body?: string };
async function call(route: { handle(r: never): Answered | Promise<Answered> }, body: unknown, param?: string) {
  const answer = await (route.handle as (r: unknown) => Answered | Promise<Answered>)({
    req: { headers: {} },
    db: w.db,
    key: keyOf(s),
    param,
    body,
    origin: "http://localhost",
  });
  return JSON.parse(answer.body!) as Record<string, unknown>;
}
const decideInternal = (subject?: string) =>
  call(AGENT_ROUTES.decisions, { action: s.key, audience: "internal", ...(subject === undefined ? {} : { subject }) });
const ofrep = (subject?: string) =>
  call(AGENT_ROUTES.ofrepFlag, subject === undefined ? {} : { context: { targetingKey: subject } }, s.key);
async function sdkView() {
  const tiers = (await call(AGENT_ROUTES.tiers, undefined)) as { tiers: unknown[] };
  return tiers.tiers.map(toTierView).find((v) => v?.action === s.key)!;
}
const fresh = () => forgetAgentTiers(s.agent.id);

/** The contract used below, stated independently of the product's matcher. */
function insideContract(subject: string): boolean {
  if (subject.startsWith("staff:")) return true;
  if (subject === "ops-bot-7") return true;
  const at = subject.lastIndexOf("@");
  return at > 0 && subject.slice(at + 1).toLowerCase() === "acme.example";
}

async function addApproved(entry: string, at: Date) {
  const { requestId } = await requestContractAddition(
    w.db,
    w.people.admin,
    { agentId: s.agent.id, entry, reason: "Our own staff accounts, agreed with support." },
    at,
  );
  await decideContractAddition(w.db, w.people.reviewer1, { requestId, decision: "approve", rationale: RATIONALE }, at);
}

describe("WALK's contract", () => {
  it("an agent without a contract keeps today's behaviour: internal is what the agent says", async () => {
    fresh();
    expect(await agentContract(w.db, s.agent.id)).toBeNull();
    expect(await decideInternal("customer-42")).toMatchObject({ allowed: true, tier: "WALK" });
    expect(await decideInternal()).toMatchObject({ allowed: true });
    expect(await ofrep("customer-42")).toMatchObject({ value: "WALK" });
  });

  it("adding an internal subject is a loosening: nothing changes until a second person approves it", async () => {
    const { requestId } = await requestContractAddition(
      w.db,
      w.people.admin,
      { agentId: s.agent.id, entry: "staff:*", reason: "Staff accounts are ours to act on." },
      later(1_000),
    );
    fresh();
    expect(await agentContract(w.db, s.agent.id)).toBeNull();
    expect(await decideInternal("customer-42")).toMatchObject({ allowed: true });
    // The person who asked cannot approve their own loosening.
    await refused(
      decideContractAddition(
        w.db,
        w.people.admin,
        { requestId, decision: "approve", rationale: RATIONALE },
        later(1_500),
      ),
      "self_review",
    );
    // Within the request's review period (simulated time, as it was opened).
    await decideContractAddition(
      w.db,
      w.people.reviewer1,
      { requestId, decision: "approve", rationale: RATIONALE },
      later(1_500),
    );
    expect(await agentContract(w.db, s.agent.id)).toEqual({ entries: ["staff:*"] });
    const audit = await w.db.auditEntry.findMany({ where: { entityId: s.agent.id }, select: { kind: true } });
    expect(audit.map((a) => a.kind)).toEqual(
      expect.arrayContaining(["agent.contract_addition_requested", "agent.contract_entry_added"]),
    );
    await addApproved("*@ACME.example", later(2_000));
    await addApproved("ops-bot-7", later(3_000));
    await addApproved("to-remove", later(4_000));
  });

  it("a subject outside the contract, or none, is answered as external would be, and says why", async () => {
    fresh();
    const outside = await decideInternal("customer-42");
    expect(outside).toMatchObject({ allowed: false, mode: "act_internal", tier: "WALK" });
    expect(outside.reason).toMatch(/outside the agent's contract/);
    const none = await decideInternal();
    expect(none).toMatchObject({ allowed: false });
    expect(none.reason).toMatch(/no subject/);
    expect(await decideInternal("staff:ann")).toMatchObject({ allowed: true });
    expect(await decideInternal("bob@acme.EXAMPLE")).toMatchObject({ allowed: true });
    expect(await decideInternal("bob@acme.example.evil")).toMatchObject({ allowed: false });
    expect(await ofrep("customer-42")).toMatchObject({ value: "CRAWL", metadata: { mode: "suggest" } });
    expect(await ofrep()).toMatchObject({ value: "CRAWL" });
    expect(await ofrep("staff:ann")).toMatchObject({ value: "WALK" });
    const view = await sdkView();
    expect(decideLocally(view, "internal", undefined, "customer-42")).toMatchObject({ allowed: false });
    expect(decideLocally(view, "internal", undefined, undefined)).toMatchObject({ allowed: false });
  });

  it("decisions, OFREP and the SDK agree with the contract on the same 10,000 random subjects", async () => {
    fresh();
    const view = await sdkView();
    const subject = fc
      .tuple(
        fc.constantFrom("", "staff:", "staff", "Staff:", "ops-bot-7", "x@", "@acme.example", "@ACME.EXAMPLE", ""),
        fc.string({ maxLength: 20 }),
        fc.constantFrom("", "@acme.example", "@Acme.Example", "@acme.example.org", "@sub.acme.example", "7"),
      )
      .map(([a, b, c]) => `${a}${b}${c}`)
      .filter((x) => x.length > 0 && x.length <= 256 && !/[\u0000-\u001f\u007f-\u009f]/.test(x));
    const seen = { inside: 0, outside: 0 };
    await fc.assert(
      fc.asyncProperty(subject, async (x) => {
        const expected = insideContract(x);
        seen[expected ? "inside" : "outside"]++;
        const d = await decideInternal(x);
        const o = await ofrep(x);
        const local = decideLocally(view, "internal", undefined, x);
        expect(d.allowed).toBe(expected);
        expect(o.value).toBe(expected ? "WALK" : "CRAWL");
        expect(local).toEqual(d);
      }),
      { seed: 22_005, numRuns: 10_000 },
    );
    expect(seen.inside).toBeGreaterThan(1_000);
    expect(seen.outside).toBeGreaterThan(1_000);
  }, 120_000);

  it("removing an internal subject applies at once and is audited", async () => {
    fresh();
    expect(await decideInternal("to-remove")).toMatchObject({ allowed: true });
    await removeContractEntry(w.db, w.people.admin, { agentId: s.agent.id, entry: "to-remove" }, later(5_000));
    // No cache flush here: the change reaches the cached entry (and the SDK's payload) through NOTIFY.
    expect(await until(async () => (await decideInternal("to-remove")).allowed === false)).toBe(true);
    expect(decideLocally(await sdkView(), "internal", undefined, "to-remove")).toMatchObject({ allowed: false });
    expect((await agentContract(w.db, s.agent.id))?.entries).not.toContain("to-remove");
    // What the tier stream sends the SDK for the change (lib/http/sse.ts reads the view with agentTier).
    const streamed = await agentTier(w.db, s.agent.id, s.key);
    expect(streamed?.contract?.entries).toEqual(["*@acme.example", "ops-bot-7", "staff:*"]);
    const last = await w.db.auditEntry.findFirst({ where: { entityId: s.agent.id }, orderBy: { seq: "desc" } });
    expect(last?.kind).toBe("agent.contract_entry_removed");
  });
});

describe("WALK's contract: bad input and races change nothing", () => {
  it("refuses a bare *, a control character, a broken domain and a viewer, writing nothing", async () => {
    const before = await w.db.contractRequest.count();
    for (const entry of ["*", "staff\u0000:*", "*@acme..example", "a*b", ""])
      await expect(
        requestContractAddition(w.db, w.people.admin, { agentId: s.agent.id, entry, reason: "" }),
      ).rejects.toThrow();
    await refused(
      requestContractAddition(w.db, w.people.engineer, { agentId: s.agent.id, entry: "x-1", reason: "" }),
      "forbidden",
    );
    await refused(
      removeContractEntry(w.db, w.people.admin, { agentId: s.agent.id, entry: "never-there" }),
      "not_found",
    );
    expect(await w.db.contractRequest.count()).toBe(before);
  });

  it("two people approving the same addition at once add it once; the second is refused", async () => {
    const { requestId } = await requestContractAddition(w.db, w.people.admin, {
      agentId: s.agent.id,
      entry: "race-1",
      reason: "",
    });
    const results = await Promise.allSettled(
      [w.people.reviewer1, w.people.reviewer2].map((p) =>
        decideContractAddition(w.db, p, { requestId, decision: "approve", rationale: RATIONALE }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await w.db.agentContractEntry.count({ where: { agentId: s.agent.id, entry: "race-1" } })).toBe(1);
  });

  it("a rejected addition changes nothing and is audited", async () => {
    const { requestId } = await requestContractAddition(w.db, w.people.admin, {
      agentId: s.agent.id,
      entry: "rejected-1",
      reason: "",
    });
    await decideContractAddition(w.db, w.people.reviewer2, { requestId, decision: "reject", rationale: RATIONALE });
    expect((await agentContract(w.db, s.agent.id))?.entries).not.toContain("rejected-1");
    const last = await w.db.auditEntry.findFirst({ where: { entityId: s.agent.id }, orderBy: { seq: "desc" } });
    expect(last?.kind).toBe("agent.contract_addition_rejected");
  });
});
