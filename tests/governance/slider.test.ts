// The autonomy slider inside RUN (SPEC §7) against the real database and the agent routes' own
// handlers: stable subjects, fail closed without one, OFREP SPLIT, SDK parity, ramp advance and step back.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgetAgentTiers, cachedAgentEntry } from "@/lib/action-types/tier-cache";
import { AGENT_ROUTES } from "@/lib/http/agent-routes";
import type { KeyPrincipal } from "@/lib/keys/data";
import { editPolicy } from "@/lib/policies/mutations";
import { currentPolicy } from "@/lib/policies/data";
import { sliderPanelData } from "@/lib/action-types/slider-panel";
import { insideSlider } from "@cwr/gating/slider";
import { decideLocally, toTierView } from "@cwr/sdk";
import type { PolicyRules } from "@cwr/gating/types";
import { DAY, eligibleWalk, feed, later, NOW, openWorld, promoteOnce, type Subject, type World } from "./world";

let w: World;
beforeAll(async () => {
  w = await openWorld();
}, 60_000);
afterAll(async () => w?.database.close());

const keyOf = (s: Subject): KeyPrincipal =>
  ({ keyId: randomBytes(8).toString("hex"), agentId: s.agent.id, agentSlug: s.agent.slug }) as KeyPrincipal;
const REASON = "Ramp the customer-facing action slowly; reviewed with support.";

async function call<B>(
  route: { handle(r: never): { status: number; body?: string } | Promise<{ status: number; body?: string }> },
  s: Subject,
  body: B,
  param?: string,
) {
  forgetAgentTiers(s.agent.id); // every call reads the committed state, as a fresh instance would
  const answer = await (
    route.handle as (r: unknown) => { status: number; body?: string } | Promise<{ status: number; body?: string }>
  )({
    req: { headers: {} },
    db: w.db,
    key: keyOf(s),
    param,
    body,
    origin: "http://localhost",
  });
  return JSON.parse(answer.body!) as Record<string, unknown>;
}
const decide = (s: Subject, body: Record<string, unknown>) =>
  call(AGENT_ROUTES.decisions, s, { action: s.key, audience: "external", ...body });

async function setSlider(s: Subject, slider: PolicyRules["slider"], at: Date) {
  const current = await currentPolicy(w.db, s.id);
  return editPolicy(
    w.db,
    w.people.admin,
    { actionTypeId: s.id, rules: { ...current.rules, slider }, reason: REASON, basedOnVersion: current.version },
    at,
  );
}

async function runSubject(at = NOW): Promise<Subject> {
  const s = await eligibleWalk(w);
  await promoteOnce(w, s, at);
  return s;
}

const subjects = (n: number, tag = "c") =>
  Array.from({ length: n }, (_, i) => `${tag}-${i}-${(i * 2654435761) % 1000}`);

describe("the slider on the agent routes", () => {
  let s: Subject;
  beforeAll(async () => {
    s = await runSubject();
    expect(await setSlider(s, { percent: 25 }, later(1_000))).toMatchObject({ outcome: "applied" }); // lowering is immediate
  }, 60_000);

  it("acts on a subject inside, answers WALK outside, the same on every read; the salt is the action type's own", async () => {
    const { sliderSalt } = await w.db.actionType.findUniqueOrThrow({
      where: { id: s.id },
      select: { sliderSalt: true },
    });
    expect(sliderSalt).toMatch(/^[0-9a-f]{32}$/);
    const list = subjects(200);
    const first = await Promise.all(list.map((subject) => decide(s, { subject })));
    for (const [i, d] of first.entries()) {
      const inside = insideSlider(sliderSalt, list[i]!, 25);
      expect(d).toMatchObject(
        inside
          ? { allowed: true, mode: "act_external", tier: "RUN" }
          : { allowed: false, mode: "act_internal", tier: "RUN", answeredAs: "WALK" },
      );
    }
    const inside = first.filter((d) => d.allowed).length;
    expect(inside).toBeGreaterThan(20);
    expect(inside).toBeLessThan(80);
    expect(await Promise.all(list.map((subject) => decide(s, { subject })))).toEqual(first);
  });

  it("without a subject answers as WALK (fail closed) and says so", async () => {
    const d = await decide(s, {});
    expect(d).toMatchObject({ allowed: false, mode: "act_internal", tier: "RUN", answeredAs: "WALK" });
    expect(d.reason).toMatch(/no subject given.*fail closed/);
    expect(await decide(s, { audience: "internal" })).toMatchObject({ allowed: true, mode: "act_internal" });
  });

  it("issue 25: a decision reports the action type's tier (RUN, as /tiers does) and says apart what limited it", async () => {
    const tiers = (await call(AGENT_ROUTES.tiers, s, undefined)) as { tiers: Array<{ action: string; tier: string }> };
    expect(tiers.tiers.find((t) => t.action === s.key)?.tier).toBe("RUN");
    const d = await decide(s, {});
    // Compatible: allowed, mode and reason keep their meaning; tier agrees with /tiers.
    expect(d).toMatchObject({ allowed: false, mode: "act_internal", tier: "RUN", answeredAs: "WALK" });
    expect(d.limitedBy).toMatchObject({ rule: "slider" });
    expect((d.limitedBy as { reason: string }).reason).toMatch(/no subject given/);
    const { sliderSalt } = await w.db.actionType.findUniqueOrThrow({
      where: { id: s.id },
      select: { sliderSalt: true },
    });
    const inside = subjects(100).find((x) => insideSlider(sliderSalt, x, 25))!;
    expect(await decide(s, { subject: inside })).toMatchObject({
      allowed: true,
      tier: "RUN",
      answeredAs: "RUN",
      limitedBy: null,
    });
  });

  it("OFREP answers per targetingKey with reason SPLIT (one flag and bulk)", async () => {
    const { sliderSalt } = await w.db.actionType.findUniqueOrThrow({
      where: { id: s.id },
      select: { sliderSalt: true },
    });
    const inside = subjects(100).find((x) => insideSlider(sliderSalt, x, 25))!;
    const outside = subjects(100).find((x) => !insideSlider(sliderSalt, x, 25))!;
    expect(await call(AGENT_ROUTES.ofrepFlag, s, { context: { targetingKey: inside } }, s.key)).toMatchObject({
      value: "RUN",
      variant: "RUN",
      reason: "SPLIT",
      metadata: { mode: "act_external", sliderPercent: 25 },
    });
    expect(await call(AGENT_ROUTES.ofrepFlag, s, { context: { targetingKey: outside } }, s.key)).toMatchObject({
      value: "WALK",
      reason: "SPLIT",
      metadata: { mode: "act_internal" },
    });
    expect(await call(AGENT_ROUTES.ofrepFlag, s, {}, s.key)).toMatchObject({
      value: "WALK",
      reason: "SPLIT",
      metadata: { subjectGiven: false },
    });
    const bulk = (await call(AGENT_ROUTES.ofrepFlags, s, { context: { targetingKey: inside } })) as {
      flags: Array<Record<string, unknown>>;
    };
    expect(bulk.flags.find((f) => f.key === s.key)).toMatchObject({ value: "RUN", reason: "SPLIT" });
  });

  it("the SDK answers like the server on 10,000 random subjects, from the tiers payload alone", async () => {
    const tiers = (await call(AGENT_ROUTES.tiers, s, undefined)) as { tiers: unknown[] };
    const view = tiers.tiers.map(toTierView).find((v) => v?.action === s.key)!;
    expect(view.slider).toMatchObject({ percent: 25 });
    const list = Array.from({ length: 10_000 }, () => randomBytes(1 + (randomBytes(1)[0]! % 24)).toString("base64url"));
    forgetAgentTiers(s.agent.id);
    const entry = await cachedAgentEntry(w.db, s.agent.id);
    let mismatches = 0;
    for (const subject of list) {
      const server = JSON.parse(
        (
          await AGENT_ROUTES.decisions.handle({
            req: {} as never,
            db: w.db,
            key: keyOf(s),
            param: undefined,
            body: { action: s.key, audience: "external", subject },
          })
        ).body!,
      );
      if (entry.byKey.get(s.key) === undefined) throw new Error("no entry");
      if (JSON.stringify(decideLocally(view, "external", undefined, subject)) !== JSON.stringify(server)) mismatches++;
    }
    expect(mismatches).toBe(0);
  }, 60_000);

  it("raising the percentage only adds subjects (a loosening: it waits for review), lowering removes at once", async () => {
    const list = subjects(400, "r");
    const at25 = new Set(
      (
        await Promise.all(list.map(async (subject) => ((await decide(s, { subject })).allowed ? subject : null)))
      ).filter(Boolean),
    );
    expect(await setSlider(s, { percent: 60 }, later(2_000))).toMatchObject({ outcome: "review" });
    expect((await Promise.all(list.map((subject) => decide(s, { subject })))).filter((d) => d.allowed).length).toBe(
      at25.size,
    );
    const { sliderSalt } = await w.db.actionType.findUniqueOrThrow({
      where: { id: s.id },
      select: { sliderSalt: true },
    });
    const at60 = new Set(list.filter((x) => insideSlider(sliderSalt, x, 60)));
    for (const x of at25) expect(at60.has(x as string)).toBe(true);
    expect(await setSlider(s, { percent: 10 }, later(3_000))).toMatchObject({ outcome: "applied" });
    const at10 = (
      await Promise.all(list.map(async (subject) => ((await decide(s, { subject })).allowed ? subject : null)))
    ).filter(Boolean);
    expect(at10.length).toBeLessThan(at25.size);
    for (const x of at10) expect(at25.has(x)).toBe(true);
  });

  it("an existing policy without a slider changes nothing: RUN acts without a subject", async () => {
    const plain = await runSubject();
    expect(await decide(plain, {})).toMatchObject({ allowed: true, mode: "act_external", tier: "RUN" });
    expect(await call(AGENT_ROUTES.ofrepFlag, plain, {}, plain.key)).toMatchObject({
      value: "RUN",
      reason: "TARGETING_MATCH",
    });
    const tiers = (await call(AGENT_ROUTES.tiers, plain, undefined)) as { tiers: Array<Record<string, unknown>> };
    expect(tiers.tiers[0]).not.toHaveProperty("slider");
  }, 60_000);
});

describe("ramp schedules", () => {
  const stepOf = (id: string) =>
    w.db.actionType.findUniqueOrThrow({
      where: { id },
      select: { tier: true, rampStep: true, rampStepSince: true, cusum: true },
    });
  const changes = (id: string) =>
    w.db.tierChange.findMany({
      where: { actionTypeId: id },
      orderBy: { createdAt: "asc" },
      select: { cause: true, fromTier: true, toTier: true, rationale: true, actorSystem: true },
    });

  it("advances a step only after the minimum time and while the RUN bar holds on the subjects already ramped; audited and notified", async () => {
    const s = await runSubject();
    await w.db.webhookEndpoint.create({
      data: {
        name: "ramp watcher",
        url: "https://hooks.example.test/ramp",
        kinds: ["tier.slider_step"],
        secret: `whsec_${randomBytes(24).toString("base64")}`,
      },
    });
    expect(await setSlider(s, { percent: 100, steps: [5, 25, 100], minDaysPerStep: 3 }, later(1_000))).toMatchObject({
      outcome: "applied",
    });
    // Plenty of good outcomes, but the step is a day old: no advance.
    await feed(w.db, s, "RUN", 150, 150, later(1 * DAY));
    expect(await stepOf(s.id)).toMatchObject({ tier: "RUN", rampStep: 0 });
    expect((await decide(s, { subject: "x" })).reason).toMatch(/RUN at 5%/);
    // Past the minimum time with the bar held: 5 % → 25 %.
    await feed(w.db, s, "RUN", 10, 10, later(4 * DAY));
    expect(await stepOf(s.id)).toMatchObject({ tier: "RUN", rampStep: 1 });
    const c = (await changes(s.id)).at(-1)!;
    expect(c).toMatchObject({
      cause: "ramp_advance",
      fromTier: "RUN",
      toTier: "RUN",
      actorSystem: expect.objectContaining({ fromPercent: 5, toPercent: 25 }),
    });
    expect(c.rationale).toMatch(/holds on \d+ outcomes at 5%/);
    const audit = await w.db.auditEntry.findFirst({ where: { actionTypeId: s.id, kind: "tier.ramp_advance" } });
    expect(audit?.data).toMatchObject({ fromPercent: 5, toPercent: 25 });
    expect(await w.db.outboxEvent.count({ where: { kind: "tier.slider_step", auditSeq: audit!.seq } })).toBe(1);
    expect((await decide(s, { subject: "x" })).reason).toMatch(/RUN at 25%/);
    // The new step measures its own outcomes: the next advance needs the minimum sample again.
    await feed(w.db, s, "RUN", 5, 5, later(8 * DAY));
    expect(await stepOf(s.id)).toMatchObject({ rampStep: 1 });
  }, 60_000);

  it("a schedule set on an agent long in RUN starts its first step at the apply: the outcomes before it never count (issue 20 item 3)", async () => {
    const s = await runSubject();
    // 48 days at 100 %, 20 good outcomes a day: 960 outcomes that were never at 5 %.
    for (let d = 1; d <= 48; d++) await feed(w.db, s, "RUN", 20, 20, later(d * DAY));
    const applyAt = later(48 * DAY + 3_600_000);
    expect(await setSlider(s, { percent: 100, steps: [5, 25, 100], minDaysPerStep: 1 }, applyAt)).toMatchObject({
      outcome: "applied",
    });
    expect(await stepOf(s.id)).toMatchObject({ tier: "RUN", rampStep: 0, rampStepSince: applyAt });
    // Within the same minute: one more good outcome. The 5 % step has not run; it must not advance.
    await feed(w.db, s, "RUN", 1, 1, later(60_000, applyAt));
    expect(await stepOf(s.id)).toMatchObject({ tier: "RUN", rampStep: 0 });
    expect((await changes(s.id)).filter((c) => c.cause === "ramp_advance")).toEqual([]);
  }, 120_000);

  it("the action type page shows each step's own outcomes and the α its test ran at", async () => {
    const s = await runSubject();
    await setSlider(s, { percent: 100, steps: [5, 25, 100], minDaysPerStep: 1 }, later(1_000));
    await feed(w.db, s, "RUN", 150, 150, later(2 * DAY));
    await feed(w.db, s, "RUN", 20, 19, later(3 * DAY));
    const panel = await sliderPanelData(w.db, s.id, later(3 * DAY));
    expect(panel.perStep.slice(-2)).toMatchObject([
      { percent: 5, successes: 150, outcomes: 150, alpha: 0.025 },
      { percent: 25, to: null, successes: 19, outcomes: 20, alpha: 0.0125 },
    ]);
    expect(panel.evidence).toMatchObject({ successes: 19, trials: 20, alpha: 0.0125 });
    expect(panel.evidence.words).toMatch(/step test 2 of this stay in RUN at α = 0\.0125/);
    expect(panel.evidence.words).toMatch(/at most α = 0\.05/);
  }, 60_000);

  it("steps back on its own when the demotion detector fires, staying in RUN; at the first step it demotes", async () => {
    const s = await runSubject();
    expect(await setSlider(s, { percent: 100, steps: [5, 25, 100], minDaysPerStep: 1 }, later(1_000))).toMatchObject({
      outcome: "applied",
    });
    await feed(w.db, s, "RUN", 150, 150, later(2 * DAY));
    expect(await stepOf(s.id)).toMatchObject({ rampStep: 1 });
    await feed(w.db, s, "RUN", 200, 0, later(2 * DAY + 3_600_000));
    const back = await stepOf(s.id);
    expect(back).toMatchObject({ tier: "RUN", rampStep: 0 });
    const c = (await changes(s.id)).at(-1)!;
    expect(c).toMatchObject({
      cause: "ramp_step_back",
      fromTier: "RUN",
      toTier: "RUN",
      actorSystem: expect.objectContaining({ metric: "cusum", fromPercent: 25, toPercent: 5 }),
    });
    expect(await w.db.auditEntry.count({ where: { actionTypeId: s.id, kind: "tier.ramp_step_back" } })).toBe(1);
    // At the first step there is nothing to step back to: the detector demotes as without a schedule.
    await feed(w.db, s, "RUN", 200, 0, later(2 * DAY + 7_200_000));
    expect(await stepOf(s.id)).toMatchObject({ tier: "WALK", rampStep: 0 });
    expect((await changes(s.id)).at(-1)).toMatchObject({ cause: "automatic_demotion" });
  }, 60_000);
});
