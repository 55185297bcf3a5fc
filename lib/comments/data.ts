// Reads of the comments on a request. A comment carries who wrote it and what, nothing about reviews:
// it never says whether or how its author voted (blind review, SPEC §3 rule 3).
import type { Db } from "@/lib/db";

export interface CommentView {
  id: string;
  authorId: string;
  author: string;
  body: string;
  createdAt: string;
  /** written by the requester (an answer, usually) */
  byRequester: boolean;
}

/** The conversation on a request, oldest first: everyone who may see the request may read it. */
export async function listComments(db: Db, requestId: string): Promise<CommentView[]> {
  const rows = await db.requestComment.findMany({
    where: { requestId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: 500,
    select: {
      id: true,
      body: true,
      createdAt: true,
      authorId: true,
      author: { select: { name: true } },
      request: { select: { requesterId: true } },
    },
  });
  return rows.map((c) => ({
    id: c.id,
    authorId: c.authorId,
    author: c.author.name,
    body: c.body,
    createdAt: c.createdAt.toISOString(),
    byRequester: c.authorId === c.request.requesterId,
  }));
}
