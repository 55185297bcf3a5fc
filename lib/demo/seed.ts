// The demo seed: 60 simulated days played through the real mutations (ingest, requests, reviews,
// freezes), so every rollup, evidence counter, tier change and audit entry is one the product made.
import { createWebhookEndpoint } from "@/lib/notifications/mutations";
import { NOTIFICATION_KINDS } from "@/lib/notifications/kinds";
import { publicBaseUrl } from "@/lib/urls/public-url";
import { DEMO_RECEIVER_PATH } from "@/lib/notifications/demo-receiver";
import type { Db } from "@/lib/db";
import { DAY_MS, type Tier } from "@cwr/gating/types";
import { tierAbove } from "@cwr/gating";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "@/lib/auth/demo-accounts";
import { userActor, type UserPrincipal } from "@/lib/auth/actor";
import { createDemoUser } from "@/lib/users/mutations";
import { createAgent, createActionType } from "@/lib/agents/mutations";
import { ingestEvents } from "@/lib/events/mutations";
import { liveEvidence } from "@/lib/metrics/data";
import { openPromotionRequest, reviewRequest } from "@/lib/requests/mutations";
import { setFrozen } from "@/lib/action-types/mutations";
import { SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { createApiKey } from "@/lib/keys/mutations";
import { editPolicy } from "@/lib/policies/mutations";
import { currentPolicy } from "@/lib/policies/data";
import { eventSourceOfKey, type EventSource } from "@cwr/gating/evidence-source";
import { DEMO_AGENTS, demoReporters, eventKindFor, type DemoActionType } from "./catalog";
import { log } from "@/lib/log";
import { ensureOutcomePartitions } from "@/lib/outcome-partitions/mutations";
import { seedSuggestions } from "./suggestions";

export const SEED_DAYS = 60;

/** Deterministic PRNG (mulberry32): the same demo on every machine. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A day's share of an action type's mean volume (perDay): weekdays busier than weekends (Sunday 0 …
 * Saturday 6; the factors average 1 over a week), times ±20 % noise from its own seeded PRNG.
 */
const WEEKLY_RHYTHM = [0.6, 1.15, 1.2, 1.15, 1.1, 1.15, 0.65];
export function dayVolume(perDay: number, dayOfWeek: number, noise: number): number {
  return Math.max(1, Math.round(perDay * WEEKLY_RHYTHM[dayOfWeek]! * (0.8 + 0.4 * noise)));
}

const RATIONALES = [
  "Evidence clears the bar with margin; failure modes reviewed in the sample look benign.",
  "Checked the rejected suggestions: mostly formatting issues, nothing that harms a customer.",
  "Rates are stable across the window and the agent version has not changed. Approve.",
  "Reviewed twenty random outcomes myself; quality matches the metric. Comfortable with this.",
];

async function ensureUsers(db: Db): Promise<Map<string, UserPrincipal>> {
  const users = new Map<string, UserPrincipal>();
  for (const account of DEMO_ACCOUNTS) {
    let user = await db.user.findUnique({
      where: { email: account.email },
      select: { id: true, email: true, name: true, role: true },
    });
    if (!user) user = await createDemoUser(db, account, DEMO_PASSWORD);
    users.set(account.email, { id: user.id, email: user.email, name: user.name, role: user.role });
  }
  return users;
}

/** Makes the given tiers attested (a tightening: it applies at once), through the real policy edit. */
async function attest(db: Db, admin: UserPrincipal, actionTypeId: string, tiers: Tier[], at: Date) {
  const current = await currentPolicy(db, actionTypeId);
  const rules = structuredClone(current.rules);
  for (const t of tiers) rules.tiers[t].evidence = "attested";
  await editPolicy(
    db,
    admin,
    {
      actionTypeId,
      rules,
      reason: "Only the helpdesk's reports and people's decisions count toward promotion out of this tier.",
      basedOnVersion: current.version,
    },
    at,
  );
}

export async function seedIfEmpty(db: Db, now = new Date()): Promise<{ seeded: boolean }> {
  const users = await ensureUsers(db);
  if ((await db.agent.count()) > 0) return { seeded: false };
  const started = Date.now();
  await seedWorld(db, users, now);
  log("info", "demo seeded", { ms: Date.now() - started, events: await db.outcomeEvent.count() });
  return { seeded: true };
}

interface Live {
  spec: DemoActionType;
  id: string;
  agent: { id: string; slug: string };
  /** who reports its outcomes: the agent's own key, or its system of record's reporter key */
  source: EventSource;
  tier: Tier;
  done: boolean;
}

async function seedWorld(db: Db, users: Map<string, UserPrincipal>, now: Date) {
  const u = (email: string) => users.get(email)!;
  const engineer = u("viewer@demo.local");
  const admin = u("admin@demo.local");
  const reviewers = [u("reviewer1@demo.local"), u("reviewer2@demo.local"), u("reviewer3@demo.local"), admin];
  const start = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - SEED_DAYS * DAY_MS);
  // The seeded months get their outcome partitions, as if the product had run through them.
  await ensureOutcomePartitions(db, now, start);
  const random = prng(20261124);
  const volumeNoise = prng(20261206); // its own stream: the volumes do not shift the outcomes' draws

  const live: Live[] = [];
  for (const a of DEMO_AGENTS) {
    const agent = await createAgent(
      db,
      SYSTEM_ACTOR,
      { slug: a.slug, name: a.name, owner: a.owner, description: a.description },
      start,
    );
    // Its systems of record (support-bot's helpdesk) report some outcomes with their own reporter keys.
    const reporters = new Map<string, EventSource>();
    for (const name of demoReporters(a)) {
      const key = await createApiKey(db, SYSTEM_ACTOR, { agentId: agent.id, name, scope: "reporter" }, start);
      reporters.set(name, eventSourceOfKey({ keyId: key.id, scope: "reporter" }));
    }
    for (const spec of a.actionTypes) {
      const at = await createActionType(
        db,
        SYSTEM_ACTOR,
        {
          agentId: agent.id,
          key: spec.key,
          name: spec.name,
          description: spec.description,
          blastRadius: spec.blastRadius,
          reversible: spec.reversible,
        },
        start,
      );
      if (spec.attested?.length) await attest(db, admin, at.id, spec.attested, start);
      const source = (spec.reportedBy && reporters.get(spec.reportedBy)) || "agent";
      live.push({ spec, id: at.id, agent: { id: agent.id, slug: agent.slug }, source, tier: "CRAWL", done: false });
    }
  }

  const approveAll = async (requestId: string, required: number, at: Date, requesterId: string) => {
    const panel = reviewers.filter((r) => r.id !== requesterId).slice(0, required);
    for (const [i, r] of panel.entries()) {
      await reviewRequest(
        db,
        r,
        { requestId, decision: "approve", rationale: RATIONALES[i % RATIONALES.length]! },
        new Date(at.getTime() + (i + 1) * 5 * 60_000),
      );
    }
  };

  for (let d = 0; d < SEED_DAYS; d++) {
    const dayStart = start.getTime() + d * DAY_MS;
    const dayEnd = new Date(dayStart + 23 * 3_600_000);

    // The day's outcomes, one batch per agent, at each action type's tier of the day.
    const batches = new Map<string, { agent: Live["agent"] & { source: EventSource }; events: unknown[] }>();
    for (const l of live) {
      let p = l.spec.quality[l.tier];
      // email.send regresses two weeks ago, once it runs on customers, until the detector catches it
      // (within days; the volumes vary by day, so not a fixed number of them).
      if (l.spec.story === "auto_demotion" && l.tier === "RUN" && d >= SEED_DAYS - 14 && d < SEED_DAYS - 6) p = 0.5;
      const batchKey = `${l.agent.id} ${l.source}`;
      const batch = batches.get(batchKey) ?? { agent: { ...l.agent, source: l.source }, events: [] };
      const count = dayVolume(l.spec.perDay, new Date(dayStart).getUTCDay(), volumeNoise());
      for (let i = 0; i < count; i++) {
        const success = random() < p;
        batch.events.push({
          idempotencyKey: `seed-${l.spec.key}-${d}-${i}`,
          action: l.spec.key,
          kind: eventKindFor(l.tier, success, random()),
          tier: l.tier,
          occurredAt: new Date(dayStart + Math.floor(((i + random()) / count) * 22 * 3_600_000)).toISOString(),
          agentVersion: "2026.10",
          subjectRef: `${l.tier === "RUN" ? "customer" : "staff"}-${Math.floor(random() * 5000)}`,
        });
      }
      batches.set(batchKey, batch);
    }
    for (const { agent, events } of batches.values()) {
      const summary = await ingestEvents(db, agent, events, dayEnd);
      for (const dem of summary.demotions) {
        const l = live.find((x) => x.spec.key === dem.actionKey && x.agent.id === agent.id)!;
        l.tier = dem.to;
        l.done = true; // demoted once: it stays down for the demo
      }
    }

    const decisionTime = new Date(dayEnd.getTime() + 30 * 60_000);
    for (const l of live) {
      if (l.spec.story === "frozen" && d === SEED_DAYS - 20) {
        await setFrozen(
          db,
          reviewers[0]!,
          {
            actionTypeId: l.id,
            frozen: true,
            rationale: "Freezing during the database platform upgrade; no autonomy changes until it is done.",
          },
          decisionTime,
        );
        l.done = true;
        continue;
      }
      if (l.done) continue;
      if (l.spec.story === "override" && d === 2) {
        const req = await openPromotionRequest(
          db,
          admin,
          {
            actionTypeId: l.id,
            kind: "override",
            justification:
              "Sales ops needs enrichment at WALK for the quarter launch; data is internal-only and fully reversible.",
          },
          decisionTime,
        );
        await approveAll(req.id, req.reviewersRequired, decisionTime, admin.id);
        l.tier = "WALK";
        l.done = true;
        continue;
      }
      if (l.spec.story === "override" || l.spec.story === "open_request") continue;
      const above = tierAbove(l.tier);
      if (!above || l.tier === l.spec.target) {
        l.done = true;
        continue;
      }
      const ev = await liveEvidence(db, l.id, decisionTime);
      if (!ev.eligibility.eligible) continue;
      const req = await openPromotionRequest(db, engineer, { actionTypeId: l.id, kind: "promotion" }, decisionTime);
      await approveAll(req.id, req.reviewersRequired, decisionTime, engineer.id);
      l.tier = above;
    }
  }

  // Notifications from now on go to the built-in receiver, so a new user sees deliveries happen.
  await createWebhookEndpoint(
    db,
    userActor(admin),
    {
      name: "Built-in demo receiver",
      url: publicBaseUrl() + DEMO_RECEIVER_PATH,
      kinds: [...NOTIFICATION_KINDS],
      format: "standard",
    },
    now,
  );

  // refund.issue has cleared its bar: an engineer asks for WALK today, waiting for reviewers.
  const refund = live.find((l) => l.spec.story === "open_request")!;
  const ev = await liveEvidence(db, refund.id, now);
  if (ev.eligibility.eligible)
    await openPromotionRequest(
      db,
      engineer,
      {
        actionTypeId: refund.id,
        kind: "promotion",
        // The requester's note (issue 25): why now, and what reviewers should look at.
        justification:
          "refund.issue has cleared CRAWL's bar; support wants refunds under the approval limit executed at WALK. Please look at the week-3 dip: a payment-provider outage, not the agent.",
      },
      now,
    );
  else
    log("warn", "demo: refund.issue not eligible at seed time", { unmet: ev.eligibility.unmet.map((x) => x.message) });

  // CRAWL's suggestions: the operator decided some of support-bot's refunds, others wait in the queue.
  await seedSuggestions(db, refund.agent, u("operator@demo.local"), now);
}
