// Test fixtures made through the real mutations: people of every role, an agent, action types.
import { randomBytes } from "node:crypto";
import type { Db } from "@/lib/db";
import type { BlastRadius, PolicyRules, Tier } from "@cwr/gating/types";
import type { UserPrincipal } from "@/lib/auth/actor";
import type { Role } from "@cwr/gating/permissions";
import { appendAudit, SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { createUser } from "@/lib/users/mutations";
import { createAgent, createActionType } from "@/lib/agents/mutations";

export async function makeUser(db: Db, role: Role, name: string = role): Promise<UserPrincipal> {
  const tag = randomBytes(4).toString("hex");
  const u = await createUser(db, SYSTEM_ACTOR, { email: `${name}-${tag}@test.local`, name: `${name} ${tag}`, role });
  return { id: u.id, email: u.email, name: u.name, role: u.role };
}

export async function makePeople(db: Db) {
  return {
    engineer: await makeUser(db, "viewer", "engineer"),
    reviewer1: await makeUser(db, "reviewer", "reviewer1"),
    reviewer2: await makeUser(db, "reviewer", "reviewer2"),
    reviewer3: await makeUser(db, "reviewer", "reviewer3"),
    admin: await makeUser(db, "admin", "admin"),
    admin2: await makeUser(db, "admin", "admin2"),
    auditor: await makeUser(db, "auditor", "auditor"),
  };
}

export async function makeAgent(db: Db, now = new Date()) {
  const slug = `agent-${randomBytes(4).toString("hex")}`;
  return createAgent(db, SYSTEM_ACTOR, { slug, name: slug, owner: "tests", description: "" }, now);
}

export async function makeActionType(
  db: Db,
  agentId: string,
  blastRadius: BlastRadius = "low",
  now = new Date(),
  key = `act.${randomBytes(3).toString("hex")}`,
) {
  return createActionType(
    db,
    SYSTEM_ACTOR,
    { agentId, key, name: key, description: "", blastRadius, reversible: true },
    now,
  );
}

/** `n` outcome events of one tier with `successes` of them successful, spread over the hour before `at`. */
export function outcomes(
  action: string,
  tier: Tier,
  n: number,
  successes: number,
  at: Date,
  tag = randomBytes(4).toString("hex"),
) {
  const ok = tier === "CRAWL" ? "suggestion.accepted" : tier === "WALK" ? "action.completed" : "outcome.positive";
  const bad = tier === "CRAWL" ? "suggestion.rejected" : tier === "WALK" ? "action.reverted" : "outcome.negative";
  return Array.from({ length: n }, (_, i) => ({
    idempotencyKey: `${tag}-${i}`,
    action,
    kind: i < successes ? ok : bad,
    tier,
    occurredAt: new Date(at.getTime() - 3_600_000 + Math.floor((i / Math.max(1, n)) * 3_500_000)).toISOString(),
    agentVersion: "v1",
  }));
}

/**
 * Test set-up only: writes a policy version as it is, without the rules that decide a change (no review
 * for a loosening, no re-pin). For tests that need an action type under a given policy from a given time.
 */
export async function forcePolicyVersion(db: Db, actionTypeId: string, rules: PolicyRules, reason: string, at: Date) {
  return db.$transaction(async (tx) => {
    const last = await tx.policy.findFirst({ where: { actionTypeId }, orderBy: { version: "desc" } });
    const version = (last?.version ?? 0) + 1;
    const created = await tx.policy.create({
      data: { actionTypeId, version, rules: rules as object, reason, createdAt: at },
      select: { id: true, version: true },
    });
    await appendAudit(
      tx,
      {
        actor: SYSTEM_ACTOR,
        kind: "policy.version_created",
        entityType: "policy",
        entityId: created.id,
        actionTypeId,
        data: { version, reason, requestId: null, rules },
      },
      at,
    );
    return created;
  });
}
