// Shared set-up for the governance integration tests: a real migrated database per test file, people
// of every role, and action types brought into a known state through the real mutations only.
// Time is simulated: every mutation gets `now`, so "30 days in tier" costs nothing.
import { createHash } from "node:crypto";
import { expect } from "vitest";
import type { Db } from "@/lib/db";
import { DAY_MS, type BlastRadius, type Tier } from "@cwr/gating/types";
import { AppError } from "@/lib/errors";
import { httpStatus } from "@/lib/http/errors";
import { ingestEvents } from "@/lib/events/mutations";
import { openPromotionRequest, reviewRequest } from "@/lib/requests/mutations";
import { testDatabase, type TestDatabase } from "../helpers/db";
import { makeActionType, makeAgent, makePeople, outcomes } from "../helpers/fixtures";

export const DAY = DAY_MS;
/** The simulated present of every test. */
export const NOW = new Date("2026-06-01T12:00:00.000Z");
export const daysAgo = (d: number, from = NOW) => new Date(from.getTime() - d * DAY);
export const later = (ms: number, from = NOW) => new Date(from.getTime() + ms);

export const RATIONALE = "Evidence reviewed against the pinned bar; looks right.";
export const JUSTIFICATION = "Business need: launch partner contract requires it this week.";

export type People = Awaited<ReturnType<typeof makePeople>>;

export interface World {
  database: TestDatabase;
  db: Db;
  people: People;
}

export async function openWorld(): Promise<World> {
  const database = await testDatabase();
  const db = database.prisma;
  const people = await makePeople(db);
  return { database, db, people };
}

export interface Subject {
  agent: { id: string; slug: string };
  id: string;
  key: string;
}

/** A fresh agent with one action type, created (so in CRAWL since) `createdAt`. */
export async function newSubject(db: Db, radius: BlastRadius = "low", createdAt: Date = daysAgo(30)): Promise<Subject> {
  const agent = await makeAgent(db, createdAt);
  const at = await makeActionType(db, agent.id, radius, createdAt);
  return { agent: { id: agent.id, slug: agent.slug }, id: at.id, key: at.key };
}

/** Ingests `n` outcomes of `tier` (`successes` of them good) in the hour before `at`, with `now = at`. */
export async function feed(
  db: Db,
  s: Subject,
  tier: Tier,
  n: number,
  successes: number,
  at: Date = NOW,
  agentVersion = "v1",
) {
  const batch = outcomes(s.key, tier, n, successes, at).map((e) => ({ ...e, agentVersion }));
  const summary = await ingestEvents(db, s.agent, batch, at);
  expect(summary.rejected).toBe(0);
  return summary;
}

/** A CRAWL action type that clears every condition of rule 1 at NOW (30 days in tier, 60/60 outcomes). */
export async function eligibleCrawl(db: Db, radius: BlastRadius = "low"): Promise<Subject> {
  const s = await newSubject(db, radius, daysAgo(30));
  const n = radius === "low" ? 60 : radius === "medium" ? 120 : 250;
  await feed(db, s, "CRAWL", n, n);
  return s;
}

/** Promotes CRAWL → WALK the ordinary way, at `at` (the action type must be eligible then). */
export async function promoteOnce(w: World, s: Subject, at: Date) {
  const { people, db } = w;
  const req = await openPromotionRequest(db, people.engineer, { actionTypeId: s.id, kind: "promotion" }, at);
  const reviewers = [people.reviewer1, people.reviewer2, people.reviewer3, people.admin];
  let status = "open";
  for (let i = 0; i < req.reviewersRequired; i++) {
    ({ status } = await reviewRequest(
      db,
      reviewers[i]!,
      { requestId: req.id, decision: "approve", rationale: RATIONALE },
      at,
    ));
  }
  expect(status).toBe("applied");
  return req.id;
}

/** A low-radius action type in WALK since 20 days ago that clears WALK's bar at NOW (120/120 outcomes). */
export async function eligibleWalk(w: World): Promise<Subject> {
  const s = await newSubject(w.db, "low", daysAgo(40));
  await feed(w.db, s, "CRAWL", 60, 60, daysAgo(20));
  await promoteOnce(w, s, daysAgo(20));
  await feed(w.db, s, "WALK", 120, 120);
  return s;
}

/** Raises an action type one tier by an admin override (no evidence needed), approved by two reviewers. */
export async function overrideUp(w: World, s: Subject, at: Date) {
  const { db, people } = w;
  const req = await openPromotionRequest(
    db,
    people.admin,
    { actionTypeId: s.id, kind: "override", justification: JUSTIFICATION },
    at,
  );
  const reviewers = [people.reviewer1, people.reviewer2, people.reviewer3, people.admin2];
  let status = "open";
  for (let i = 0; i < req.reviewersRequired; i++) {
    ({ status } = await reviewRequest(
      db,
      reviewers[i]!,
      { requestId: req.id, decision: "approve", rationale: RATIONALE },
      at,
    ));
  }
  expect(status).toBe("applied");
  return req.id;
}

/** Everything a governance refusal must leave alone, for one action type (plus the global audit count). */
export async function stateOf(db: Db, actionTypeId: string) {
  const at = await db.actionType.findUniqueOrThrow({
    where: { id: actionTypeId },
    select: {
      tier: true,
      tierSince: true,
      frozen: true,
      stateVersion: true,
      evidenceTrials: true,
      evidenceSuccesses: true,
      cusum: true,
    },
  });
  const requests = await db.reviewRequest.findMany({
    where: { actionTypeId },
    orderBy: { createdAt: "asc" },
    select: { id: true, status: true, statusReason: true, snapshotHash: true, policyId: true },
  });
  return {
    actionType: at,
    requests,
    reviews: await db.review.count({ where: { request: { actionTypeId } } }),
    tierChanges: await db.tierChange.count({ where: { actionTypeId } }),
    policyVersions: await db.policy.count({ where: { actionTypeId } }),
    events: await db.outcomeEvent.count({ where: { actionTypeId } }),
    audit: await db.auditEntry.count(),
  };
}

/** Awaits a refusal: an AppError with this code (and status, when given). */
export async function refused(p: Promise<unknown>, code: string, status?: number): Promise<AppError> {
  let caught: unknown = null;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected a refusal with code ${code}`).toBeInstanceOf(AppError);
  const err = caught as AppError;
  expect(err.code).toBe(code);
  if (status !== undefined) expect(httpStatus(err)).toBe(status);
  return err;
}

/** Runs `action`, expects refusal `code`, and that nothing about `actionTypeId` (nor the audit log) changed. */
export async function refusedWithoutEffect(
  db: Db,
  actionTypeId: string,
  action: () => Promise<unknown>,
  code: string,
  status?: number,
): Promise<AppError> {
  const before = await stateOf(db, actionTypeId);
  const err = await refused(action(), code, status);
  expect(await stateOf(db, actionTypeId)).toEqual(before);
  return err;
}

export const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

export async function auditCount(db: Db) {
  return db.auditEntry.count();
}

export async function lastAudit(db: Db) {
  return db.auditEntry.findFirstOrThrow({ orderBy: { seq: "desc" } });
}

/** Audit entries appended after `afterSeq`, oldest first. */
export async function auditSince(db: Db, afterSeq: bigint) {
  return db.auditEntry.findMany({ where: { seq: { gt: afterSeq } }, orderBy: { seq: "asc" } });
}

export async function lastSeq(db: Db): Promise<bigint> {
  return (await db.auditEntry.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } }))?.seq ?? 0n;
}
