// The replay's page encoding (issue 26 item 1). A page of stored outcomes arrives as one JSON text of
// groups: the rows sharing kind, tier, severity, version, source, arrival and whether they revert,
// each group carrying only its rows' positions in the page and their occurrence times (and, for
// reverts, the reverted events). Building one JSON value per row cost the database 2–3× what the
// fold costs; a page of a few dozen groups costs it a fraction. decodePage gives back the rows in
// storage order, exactly as stored. Pure: runs in the replay worker and in process.
import type { FoldOutcome } from "@cwr/gating/evidence-fold";
import type { EventKind, Severity, Tier } from "@cwr/gating/types";

/** [kind, tier, severity, version, source, receivedAt ms, positions (1-based), occurredAt ms, reverted events or null]. */
export type PageGroup = [
  EventKind,
  Tier,
  Severity | null,
  string,
  string,
  number,
  number[],
  number[],
  Array<[EventKind, Tier, number, string] | null> | null,
];

export interface DecodedPage {
  /** the page's outcomes in storage (id) order */
  outcomes: FoldOutcome[];
  /** each outcome's arrival (epoch ms): rows received together are one recorded ingest batch */
  receivedAt: Float64Array;
}

// Epoch milliseconds, exact for timestamptz(3): date_part is float8 (extract is numeric, ~2× slower).
const MS = (col: string) => `round(date_part('epoch', ${col}) * 1000)::int8`;

/**
 * One page after `$2` (an id) of at most `$3` outcomes of action type `$1`. The reverted event is a
 * scalar subquery behind a CASE, so only the rows that name one touch the unique index.
 */
export const PAGE_SQL = `
SELECT sum(g.n)::int AS n, max(g.last)::text AS last_id,
  json_agg(json_build_array(g.kind, g.tier, g.severity, g.v, g.source, ${MS("g.r")}, g.pos, g.occ, g.rev))::text AS rows
FROM (
  SELECT p.kind, p.tier, p.severity, p."agentVersion" AS v, p.source, p."receivedAt" AS r, count(*) AS n, max(p.id) AS last,
    array_agg(p.pos) AS pos, array_agg(${MS(`p."occurredAt"`)}) AS occ, json_agg(p.rev) FILTER (WHERE p.has_rev) AS rev
  FROM (
    SELECT row_number() OVER (ORDER BY e.id)::int AS pos, e.id, e."occurredAt", e."receivedAt", e.kind, e.tier,
      e."agentVersion", e.severity, e.source, e.reverts IS NOT NULL AS has_rev,
      CASE WHEN e.reverts IS NULL THEN NULL ELSE (
        SELECT json_build_array(x.kind, x.tier, ${MS(`x."occurredAt"`)}, x."agentVersion")
        FROM outcome_events x WHERE x."agentId" = e."agentId" AND x."idempotencyKey" = e.reverts) END AS rev
    FROM outcome_events e
    WHERE e."actionTypeId" = $1::uuid AND e.id > $2::bigint
    ORDER BY e.id
    LIMIT $3
  ) p
  GROUP BY p.kind, p.tier, p.severity, p."agentVersion", p.source, p."receivedAt", p.has_rev
) g`;

/** A page's JSON text (PAGE_SQL's `rows`) back to its outcomes in storage order. */
export function decodePage(text: string): DecodedPage {
  const groups = JSON.parse(text) as PageGroup[];
  let n = 0;
  for (const g of groups) n += g[6].length;
  const outcomes = new Array<FoldOutcome>(n);
  const receivedAt = new Float64Array(n);
  let placed = 0;
  for (const [kind, tier, severity, version, source, received, positions, occurred, reverted] of groups) {
    const agentVersion = version || null;
    for (let i = 0; i < positions.length; i++) {
      const at = positions[i]! - 1;
      if (!(at >= 0 && at < n) || outcomes[at])
        throw new Error(`replay page: position ${at + 1} of ${n} is not unique`);
      const r = reverted?.[i] ?? null;
      outcomes[at] = {
        kind,
        tier,
        occurredAt: occurred[i]!,
        agentVersion,
        severity,
        reverts: r ? { kind: r[0], tier: r[1], occurredAt: r[2], agentVersion: r[3] || null } : null,
        source: source as FoldOutcome["source"],
      };
      receivedAt[at] = received;
      placed++;
    }
  }
  if (placed !== n) throw new Error(`replay page: ${placed} of ${n} rows placed`);
  return { outcomes, receivedAt };
}
