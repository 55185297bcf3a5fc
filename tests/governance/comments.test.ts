// Issue 25 item 3: a conversation before a verdict. Comments are questions and answers on a request,
// not reviews: they never count toward the quorum, never reveal how anyone voted (blind review, SPEC
// §3 rule 3), are visible to everyone who may see the request, audited, and notify the requester and
// the earlier commenters.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listComments } from "@/lib/comments/data";
import { addComment } from "@/lib/comments/mutations";
import { commentInputSchema } from "@/lib/comments/schema";
import { listAudit } from "@/lib/audit/data";
import { requestDetail } from "@/lib/requests/data";
import { openPromotionRequest, reviewRequest } from "@/lib/requests/mutations";
import {
  NOW,
  RATIONALE,
  eligibleCrawl,
  later,
  openWorld,
  refused,
  refusedWithoutEffect,
  stateOf,
  type World,
} from "./world";

let w: World;
beforeAll(async () => {
  w = await openWorld();
  await w.db.webhookEndpoint.create({
    data: {
      name: "comment watcher",
      url: "https://hooks.example.test/comments",
      kinds: ["request.commented"],
      secret: `whsec_${randomBytes(24).toString("base64")}`,
    },
  });
});
afterAll(async () => {
  await w?.database.close();
});

const QUESTION = "What caused the dip on the third day? Was it the retry storm?";
const ANSWER = "Yes: the upstream retried twice; fixed in v2, see the incident note.";

async function openMedium() {
  const s = await eligibleCrawl(w.db, "medium");
  const req = await openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW);
  return { s, requestId: req.id };
}

const commentEvents = async (requestId: string) =>
  (await w.db.outboxEvent.findMany({ where: { kind: "request.commented" }, orderBy: { auditSeq: "asc" } }))
    .map((e) => e.payload as { data: { entity: { id: string }; details: Record<string, unknown> } })
    .filter((p) => p.data.details.requestId === requestId);

describe("comments on a request", () => {
  it("a reviewer asks before deciding, the requester answers, then the reviewer approves; comments never count", async () => {
    const { s, requestId } = await openMedium();
    const { engineer, reviewer2, reviewer3, auditor } = w.people;
    await addComment(w.db, reviewer2, { requestId, body: QUESTION }, later(1_000));
    await addComment(w.db, engineer, { requestId, body: ANSWER }, later(2_000));

    const before = await stateOf(w.db, s.id);
    expect(before.reviews).toBe(0);
    expect(before.requests[0]!.status).toBe("open");

    // Everyone who may see the request sees the conversation, in order, with names.
    for (const reader of [reviewer3, auditor, engineer]) {
      const comments = await listComments(w.db, requestId);
      expect(comments.map((c) => [c.author, c.body])).toEqual([
        [reviewer2.name, QUESTION],
        [engineer.name, ANSWER],
      ]);
      void reader;
    }
    const review = await reviewRequest(
      w.db,
      reviewer2,
      { requestId, decision: "approve", rationale: RATIONALE },
      later(3_000),
    );
    expect(review.tally.approvals).toBe(1);
    expect(review.status).toBe("open");
  });

  it("blind review holds: a comment by someone who voted says nothing of the vote, anywhere", async () => {
    const { requestId } = await openMedium();
    const { reviewer2, reviewer3 } = w.people;
    await reviewRequest(w.db, reviewer2, { requestId, decision: "reject", rationale: RATIONALE }, later(1_000));
    // reviewer2's rejection closed it; comments stay possible after a verdict (questions and answers).
    const { requestId: open } = await openMedium();
    await reviewRequest(w.db, reviewer2, { requestId: open, decision: "approve", rationale: RATIONALE }, later(1_000));
    await addComment(w.db, reviewer2, { requestId: open, body: QUESTION }, later(2_000));

    // (People's names may contain "reviewer": the words of a vote may not appear, nor any field but these.)
    const listed = await listComments(w.db, open);
    for (const c of listed)
      expect(Object.keys(c).sort()).toEqual(["author", "authorId", "body", "byRequester", "createdAt", "id"]);
    expect(JSON.stringify(listed)).not.toMatch(/approv|reject|decision|tally/i);
    const detail = await requestDetail(w.db, open, reviewer3);
    expect(detail?.tally).toBeNull();
    expect(detail?.reviews).toBeNull();

    const entries = await listAudit(w.db, { kind: "request.commented" }, { take: 200 });
    const mine = entries.rows.filter((e) => e.entityId === open);
    expect(mine).toHaveLength(1);
    expect(JSON.stringify(mine[0]!.data)).not.toMatch(/approve|decision|tally|approvals|rejections/i);
    const [event] = await commentEvents(open);
    expect(event).toBeDefined();
    expect(JSON.stringify(event)).not.toMatch(/approve|decision|tally|approvals|rejections/i);
    void requestId;
  });

  it("is audited and notifies the requester and the earlier commenters (not the author)", async () => {
    const { requestId } = await openMedium();
    const { engineer, reviewer2, reviewer3 } = w.people;
    await addComment(w.db, reviewer2, { requestId, body: QUESTION }, later(1_000));
    await addComment(w.db, engineer, { requestId, body: ANSWER }, later(2_000));
    await addComment(w.db, reviewer3, { requestId, body: "Thanks, that answers mine too, looks fine." }, later(3_000));

    const audited = await w.db.auditEntry.findMany({
      where: { kind: "request.commented", entityId: requestId },
      orderBy: { seq: "asc" },
    });
    expect(audited.map((a) => (a.data as { body: string }).body)).toEqual([
      QUESTION,
      ANSWER,
      "Thanks, that answers mine too, looks fine.",
    ]);
    const recipients = (await commentEvents(requestId)).map((e) =>
      (e.data.details.recipients as Array<{ id: string }>).map((r) => r.id).sort(),
    );
    expect(recipients).toEqual([[engineer.id], [reviewer2.id], [engineer.id, reviewer2.id].sort()]);
  });

  it("refuses empty, over-long and control-character bodies, unknown requests and roles that may not comment; nothing is written", async () => {
    const { s, requestId } = await openMedium();
    for (const body of ["", "   ", "x".repeat(4001), "hello\u0000world", "bell\u0007", "esc \u001b[31m red"]) {
      expect(commentInputSchema.safeParse({ requestId, body }).success).toBe(false);
      await refusedWithoutEffect(
        w.db,
        s.id,
        () => addComment(w.db, w.people.reviewer2, { requestId, body }, NOW),
        "validation_failed",
        422,
      );
    }
    expect(commentInputSchema.safeParse({ requestId, body: "Two lines:\nand a tab\there." }).success).toBe(true);
    await refusedWithoutEffect(
      w.db,
      s.id,
      () => addComment(w.db, w.people.auditor, { requestId, body: QUESTION }, NOW),
      "forbidden",
      403,
    );
    await refused(
      addComment(w.db, w.people.reviewer2, { requestId: "00000000-0000-4000-8000-000000000000", body: QUESTION }, NOW),
      "not_found",
      404,
    );
    expect(await w.db.requestComment.count({ where: { requestId } })).toBe(0);
  });
});
