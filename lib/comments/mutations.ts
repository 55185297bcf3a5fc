// Comments on a request: questions and answers before (or after) a verdict. Not reviews: they never
// touch the request's state or quorum. One transaction writes the comment and its audit entry, whose
// notification (request.commented) names the requester and the earlier commenters as its recipients.
import type { Db } from "@/lib/db";
import { TX_OPTIONS } from "@/lib/db/locks";
import { can } from "@cwr/gating/permissions";
import { userActor, type UserPrincipal } from "@/lib/auth/actor";
import { appendAuditEntries } from "@/lib/audit/mutations";
import { forbidden, notFound } from "@/lib/errors";
import { zodError } from "@/lib/errors/zod";
import { commentInputSchema, type CommentInput } from "./schema";

export async function addComment(db: Db, user: UserPrincipal, raw: CommentInput, now = new Date()) {
  if (!can(user.role, "request:comment")) throw forbidden("Your role may not comment on requests.");
  const parsed = commentInputSchema.safeParse(raw);
  if (!parsed.success) throw zodError(parsed.error, "The comment is not valid.");
  const { requestId, body } = parsed.data;
  return db.$transaction(async (tx) => {
    const request = await tx.reviewRequest.findUnique({
      where: { id: requestId },
      select: {
        requester: { select: { id: true, name: true } },
        actionType: {
          select: { id: true, key: true, name: true, agent: { select: { id: true, slug: true, name: true } } },
        },
      },
    });
    if (!request) throw notFound("Request");
    const earlier = await tx.requestComment.findMany({
      where: { requestId },
      orderBy: { createdAt: "asc" },
      select: { author: { select: { id: true, name: true } } },
    });
    // The requester and everyone who spoke before, once each, never the author.
    const recipients = new Map<string, { id: string; name: string }>();
    for (const p of [request.requester, ...earlier.map((c) => c.author)])
      if (p.id !== user.id && !recipients.has(p.id)) recipients.set(p.id, { id: p.id, name: p.name });
    const comment = await tx.requestComment.create({
      data: { requestId, authorId: user.id, body, createdAt: now },
      select: { id: true },
    });
    const at = request.actionType;
    await appendAuditEntries(
      tx,
      [
        {
          actor: userActor(user),
          kind: "request.commented",
          entityType: "request",
          entityId: requestId,
          agentId: at.agent.id,
          actionTypeId: at.id,
          data: { requestId, commentId: comment.id, body, recipients: [...recipients.values()] },
        },
      ],
      now,
      { actionTypes: new Map([[at.id, at]]) },
    );
    return { id: comment.id, createdAt: now.toISOString() };
  }, TX_OPTIONS);
}
