// The replay's fold of the stored pages: a page's JSON text (lib/replay/page.ts) cut into the
// recorded ingest batches (rows received together) and pushed into one or more PolicyReplays. Runs in
// the replay worker (lib/replay/worker.ts) and, for tests and the bench, in process. No I/O.
import { PolicyReplay, type ReplayOptions, type ReplayResult } from "@cwr/gating/replay";
import type { FoldOutcome } from "@cwr/gating/evidence-fold";
import { decodePage } from "./page";

export class ReplayFolder {
  private readonly replays: PolicyReplay[];
  private batch: FoldOutcome[] = [];
  private receivedAt = Number.NaN;

  constructor(runs: readonly ReplayOptions[]) {
    this.replays = runs.map((o) => new PolicyReplay(o));
  }

  /** One page of rows in storage (id) order (lib/replay/page.ts); a batch may go on in the next page. */
  page(rows: string): void {
    const { outcomes, receivedAt } = decodePage(rows);
    for (let i = 0; i < outcomes.length; i++) {
      if (receivedAt[i] !== this.receivedAt) this.flush();
      this.receivedAt = receivedAt[i]!;
      this.batch.push(outcomes[i]!);
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
