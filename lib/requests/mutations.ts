// Review requests (promotion, override, policy change): opened, reviewed blind, approved by quorum,
// applied after re-checking the live state. Each is one command of the action-type state interpreter
// (lib/state/interpreter.ts): this module checks who may ask and runs it in one transaction.
import type { Db } from "@/lib/db";
import { TX_OPTIONS } from "@/lib/db/locks";
import type { z } from "zod";
import { userActor, type UserPrincipal } from "@/lib/auth/actor";
import { forbidden } from "@/lib/errors";
import { can } from "@cwr/gating/permissions";
import { changeState, runStateCommand } from "@/lib/state/interpreter";
import type { openRequestInputSchema, reviewInputSchema } from "./schema";

/** What the dashboard's form sends (lib/requests/schema.ts), parsed. */
export type OpenInput = z.output<typeof openRequestInputSchema>;

/** Opens a promotion (or, for admins, an override) request out of the current tier. */
export async function openPromotionRequest(db: Db, user: UserPrincipal, input: OpenInput, now = new Date()) {
  return db.$transaction(async (tx) => {
    const { request, snapshotHash } = await changeState(
      tx,
      { actionTypeId: input.actionTypeId },
      {
        type: "open_request",
        kind: input.kind,
        requester: { id: user.id, role: user.role },
        actor: userActor(user),
        ...(input.justification !== undefined ? { justification: input.justification } : {}),
      },
      now,
      "opened",
    );
    return {
      id: request.id,
      snapshotHash,
      reviewersRequired: request.requiredApprovals,
      expiresAt: new Date(request.expiresAt).toISOString(),
    };
  }, TX_OPTIONS);
}

/** The form's review (lib/requests/schema.ts); the snapshot hash is required there, optional for the seed. */
export type ReviewInput = Omit<z.output<typeof reviewInputSchema>, "snapshotHash"> & {
  /** the snapshot the reviewer was shown; refused if the evidence changed since */
  snapshotHash?: string;
};

export async function reviewRequest(db: Db, user: UserPrincipal, input: ReviewInput, now = new Date()) {
  return db.$transaction(async (tx) => {
    const { status, tally, applyRefusal } = await changeState(
      tx,
      { requestId: input.requestId },
      {
        type: "review",
        requestId: input.requestId,
        reviewer: { id: user.id, role: user.role },
        decision: input.decision,
        rationale: input.rationale,
        actor: userActor(user),
        ...(input.snapshotHash ? { snapshotHash: input.snapshotHash } : {}),
      },
      now,
      "reviewed",
    );
    return { status, tally, applyRefusal };
  }, TX_OPTIONS);
}

/** Retries applying an approved request whose first apply was refused. */
export async function applyRequest(db: Db, user: UserPrincipal, input: { requestId: string }, now = new Date()) {
  if (!can(user.role, "request:manage")) throw forbidden("Your role cannot apply requests.");
  return db.$transaction(async (tx) => {
    const { status, refusal } = await changeState(
      tx,
      { requestId: input.requestId },
      { type: "apply", requestId: input.requestId, actor: userActor(user) },
      now,
      "apply",
    );
    return { status, refusal };
  }, TX_OPTIONS);
}

export async function withdrawRequest(db: Db, user: UserPrincipal, input: { requestId: string }, now = new Date()) {
  if (!can(user.role, "request:manage")) throw forbidden("Your role cannot withdraw requests.");
  return db.$transaction(async (tx) => {
    const { status } = await changeState(
      tx,
      { requestId: input.requestId },
      { type: "withdraw", requestId: input.requestId, actorId: user.id, actor: userActor(user) },
      now,
      "closed",
    );
    return { status };
  }, TX_OPTIONS);
}

/** Job: open requests past their review period expire. */
export async function expireRequests(db: Db, now = new Date()): Promise<number> {
  const due = await db.reviewRequest.findMany({
    where: { status: "open", expiresAt: { lte: now } },
    select: { id: true },
  });
  let expired = 0;
  for (const r of due) {
    const done = await db.$transaction(
      async (tx) => (await runStateCommand(tx, { requestId: r.id }, { type: "expire", requestId: r.id }, now)).ok,
      TX_OPTIONS,
    );
    if (done) expired++;
  }
  return expired;
}
