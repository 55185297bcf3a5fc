"use client";
// Questions and answers on a request (issue 25 item 3). Not reviews: nothing here counts toward the
// quorum or says how anyone voted. A reviewer can ask before deciding; the requester answers here.
import { useState } from "react";
import type { CommentView } from "@/lib/comments/data";
import type { CommentInput } from "@/lib/comments/schema";
import { COMMENT_MAX } from "@/lib/comments/schema";
import type { ServerAction } from "@/lib/http/action";
import { Card } from "@/components/ui/States";
import { Button, ResultMessage, useServerAction } from "@/components/ui/ActionForm";
import { formatDateTime } from "@/components/format";

export function RequestComments({
  requestId,
  comments,
  canComment,
  comment: commentAction,
}: {
  requestId: string;
  comments: CommentView[];
  canComment: boolean;
  comment: ServerAction<CommentInput, unknown>;
}) {
  const [body, setBody] = useState("");
  const post = useServerAction(commentAction, () => {
    setBody("");
    return "Posted. The requester and everyone who commented before are notified.";
  });
  return (
    <Card title="Questions and answers">
      <p className="mb-2 text-xs text-slate-600">
        Ask before you decide, or answer a question. Comments are not reviews: they never count toward the quorum and
        never show anyone&apos;s vote.
      </p>
      {comments.length === 0 ? (
        <p className="text-sm text-slate-600" data-testid="no-comments">
          No questions yet.
        </p>
      ) : (
        <ol className="space-y-2 text-sm" data-testid="comments">
          {comments.map((c) => (
            <li key={c.id} className="border-l-2 border-sky-200 pl-2">
              <span className="font-semibold">{c.author}</span>
              {c.byRequester ? <span className="text-slate-600"> (requester)</span> : null} ·{" "}
              <span className="text-slate-600">{formatDateTime(c.createdAt)}</span>
              <div className="whitespace-pre-wrap text-slate-800">{c.body}</div>
            </li>
          ))}
        </ol>
      )}
      {canComment && (
        <form
          className="mt-3 border-t border-slate-200 pt-3"
          onSubmit={(e) => {
            e.preventDefault();
            post.run({ requestId, body });
          }}
        >
          <label className="block text-sm font-medium">
            Ask or answer
            <textarea
              value={body}
              onChange={(e) => setBody(e.target.value)}
              rows={2}
              maxLength={COMMENT_MAX}
              className="mt-1 w-full rounded border border-slate-300 p-2"
            />
          </label>
          <Button type="submit" disabled={post.pending || body.trim().length === 0} className="mt-2">
            Post comment
          </Button>
        </form>
      )}
      <ResultMessage message={post.message} />
    </Card>
  );
}
