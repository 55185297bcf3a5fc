// "A pending request blocks a new one" (SPEC §3 rules 2, 9): at most one promotion or override in
// flight per action type. One rule for the interpreter, the evidence view and the overview. Pure.
import type { RequestKind, RequestStatus } from "./types";

/** Kinds and statuses of the requests that may still be in flight (what a reader loads for blocksNewRequest). */
export const PENDING_REQUEST_KINDS = ["promotion", "override"] as const satisfies readonly RequestKind[];
export const PENDING_REQUEST_STATUSES = ["open", "approved"] as const satisfies readonly RequestStatus[];

/**
 * Does this request block a new one? An open promotion or override does. An approved one whose apply was
 * refused blocks only while it could still be applied (same tier, same tier state as its snapshot); once
 * the tier state moved on it never can, and must not block every later request out of this action type.
 * A policy change never blocks a promotion.
 */
export function blocksNewRequest(
  r: { kind: string; status: string; fromTier: string | null; snapshotStateVersion: number },
  at: { tier: string; stateVersion: number },
): boolean {
  if (!(PENDING_REQUEST_KINDS as readonly string[]).includes(r.kind)) return false;
  if (r.status === "open") return true;
  if (r.status !== "approved") return false;
  return r.fromTier === at.tier && r.snapshotStateVersion === at.stateVersion;
}
