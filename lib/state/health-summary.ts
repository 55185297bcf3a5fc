// The stored health and eligibility summary of an action type (lib/gating/health-summary.ts): what the
// overview sorts and filters by in one indexed query. The interpreter writes it with every state change,
// in the change's transaction; time alone changes it only when the window slides, at the row's
// `summaryStaleAt`, and refreshStaleSummaries (./mutations.ts) recomputes those rows (at boot, in the jobs, and before the
// overview reads the summary, so a read never sees a stale one). A new row is stale from the epoch.
import type { StateContext } from "@cwr/gating";
import type { HealthSummary } from "@cwr/gating/health-summary";
import { blocksNewRequest } from "@cwr/gating/pending-requests";

/** Does a live request block a new promotion (the eligibility's `openRequest`)? */
export function openRequestOf(ctx: StateContext): boolean {
  const at = ctx.actionType;
  return ctx.requests.some((r) =>
    blocksNewRequest(
      {
        kind: r.state.kind,
        status: r.state.status,
        fromTier: r.state.fromTier,
        snapshotStateVersion: r.snapshotStateVersion,
      },
      at,
    ),
  );
}

/** The summary as the row's columns. */
export function summaryColumns(s: HealthSummary) {
  return {
    healthMargin: s.healthMargin,
    eligibleFrom: s.eligibleFrom === null ? null : new Date(s.eligibleFrom),
    summaryStaleAt: s.staleAt === null ? null : new Date(s.staleAt),
  };
}

export function sameSummary(a: HealthSummary, b: HealthSummary): boolean {
  return a.healthMargin === b.healthMargin && a.eligibleFrom === b.eligibleFrom && a.staleAt === b.staleAt;
}
