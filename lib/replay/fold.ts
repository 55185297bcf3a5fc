// The replay's fold of the stored pages: a page's JSON rows (lib/replay/pages.ts) cut into the
// recorded ingest batches (rows received together) and pushed into one or more PolicyReplays. Runs in
// the replay worker (lib/replay/worker.ts) and, for tests and the bench, in process. No I/O.
import { PolicyReplay, type ReplayOptions, type ReplayResult } from "@cwr/gating/replay";
import type { FoldOutcome } from "@cwr/gating/evidence-fold";
import type { EventKind, Severity, Tier } from "@cwr/gating/types";

/** One stored outcome: [occurredAt, kind, tier, version, severity, the reverted event or null, receivedAt, source]. */
export type Cell = [
  number,
  EventKind,
  Tier,
  string,
  Severity | null,
  [EventKind, Tier, number, string] | null,
  number,
  string,
];

function toFold(c: Cell): FoldOutcome {
  const [at, kind, tier, ver, sev, rev, , source] = c;
  return {
    kind,
    tier,
    occurredAt: at,
    agentVersion: ver || null,
    severity: sev,
    reverts: rev ? { kind: rev[0], tier: rev[1], occurredAt: rev[2], agentVersion: rev[3] || null } : null,
    source: source as FoldOutcome["source"],
  };
}

export class ReplayFolder {
  private readonly replays: PolicyReplay[];
  private batch: FoldOutcome[] = [];
  private receivedAt = Number.NaN;

  constructor(runs: readonly ReplayOptions[]) {
    this.replays = runs.map((o) => new PolicyReplay(o));
  }

  /** One page of rows in storage (id) order, as JSON text; a batch may go on in the next page. */
  page(rows: string): void {
    for (const c of JSON.parse(rows) as Cell[]) {
      if (c[6] !== this.receivedAt) this.flush();
      this.receivedAt = c[6];
      this.batch.push(toFold(c));
    }
  }

  finish(now: number): ReplayResult[] {
    this.flush();
    return this.replays.map((r) => r.finish(now));
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    for (const r of this.replays) r.push(this.batch, this.receivedAt);
    this.batch = [];
  }
}
