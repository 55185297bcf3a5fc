// Daily rollups kept current inside the ingest transaction.
import type { Tx } from "@/lib/db/client";
import type { Tier } from "@cwr/gating/types";

export interface RollupDelta {
  actionTypeId: string;
  tier: Tier;
  /** YYYY-MM-DD (UTC) */
  day: string;
  successes: number;
  failures: number;
  incidents: number;
}

export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export async function addToRollups(tx: Tx, deltas: RollupDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  // One statement for the whole batch; ordered keys keep concurrent ingests from deadlocking.
  const sorted = [...deltas].sort((a, b) =>
    `${a.actionTypeId}${a.tier}${a.day}`.localeCompare(`${b.actionTypeId}${b.tier}${b.day}`),
  );
  const values = sorted
    .map(
      (_, i) =>
        `($${i * 6 + 1}::uuid, $${i * 6 + 2}::"Tier", $${i * 6 + 3}::date, $${i * 6 + 4}::int, $${i * 6 + 5}::int, $${i * 6 + 6}::int)`,
    )
    .join(", ");
  const params = sorted.flatMap((d) => [d.actionTypeId, d.tier, d.day, d.successes, d.failures, d.incidents]);
  await tx.$executeRawUnsafe(
    `INSERT INTO metric_rollups ("actionTypeId", tier, day, successes, failures, incidents) VALUES ${values}
     ON CONFLICT ("actionTypeId", tier, day) DO UPDATE SET
       successes = metric_rollups.successes + EXCLUDED.successes,
       failures = metric_rollups.failures + EXCLUDED.failures,
       incidents = metric_rollups.incidents + EXCLUDED.incidents`,
    ...params,
  );
}
