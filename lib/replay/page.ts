// The replay's page encoding (issue 26 item 1). A page of stored outcomes arrives as one JSON text of
// groups: the rows sharing kind, tier, severity, version, source, arrival and whether they revert,
// each group carrying only its rows' places (id − the page's keyset start) and their occurrence times
// (and, for reverts, the reverted events). Building one JSON value per row cost the database 2–3× what
// the fold costs; a page of a few dozen groups costs it a fraction. The places are ids, not row
// numbers: a window function numbering the rows was a third of the page's time in the database, and
// sorting 20,000 numbers here costs about a millisecond. decodePage gives back the rows in storage
// order, exactly as stored. Pure: runs in the replay worker and in process.
import type { FoldOutcome } from "@cwr/gating/evidence-fold";
import type { EventKind, Severity, Tier } from "@cwr/gating/types";

/** [kind, tier, severity, version, source, receivedAt ms, places (id − keyset start), occurredAt ms, reverted events or null]. */
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
 * One page after `$2` (an id) up to `$4` (an id, PAGE_END_SQL's) of at most `$3` outcomes of action
 * type `$1`. The reverted event is a scalar subquery behind a CASE, so only the rows that name one touch
 * the unique index.
 */
export const PAGE_SQL = `
SELECT sum(g.n)::int AS n, max(g.last)::text AS last_id,
  json_agg(json_build_array(g.kind, g.tier, g.severity, g.v, g.source, ${MS("g.r")}, g.place, g.occ, g.rev))::text AS rows
FROM (
  SELECT p.kind, p.tier, p.severity, p."agentVersion" AS v, p.source, p."receivedAt" AS r, count(*) AS n, max(p.id) AS last,
    array_agg(p.id - $2::bigint) AS place, array_agg(${MS(`p."occurredAt"`)}) AS occ, json_agg(p.rev) FILTER (WHERE p.has_rev) AS rev
  FROM (
    SELECT e.id, e."occurredAt", e."receivedAt", e.kind, e.tier,
      e."agentVersion", e.severity, e.source, e.reverts IS NOT NULL AS has_rev,
      CASE WHEN e.reverts IS NULL THEN NULL ELSE (
        SELECT json_build_array(x.kind, x.tier, ${MS(`x."occurredAt"`)}, x."agentVersion")
        FROM outcome_events x WHERE x."agentId" = e."agentId" AND x."idempotencyKey" = e.reverts) END AS rev
    FROM outcome_events e
    WHERE e."actionTypeId" = $1::uuid AND e.id > $2::bigint AND e.id <= $4::bigint
    ORDER BY e.id
    LIMIT $3
  ) p
  GROUP BY p.kind, p.tier, p.severity, p."agentVersion", p.source, p."receivedAt", p.has_rev
) g`;

/**
 * The last id of the page after `$2` of `$3` outcomes of action type `$1` (no row: it is the last page).
 * An index walk over ids only: knowing where a page ends lets the next one be read at the same time.
 * (`e.id`, qualified: a bare `id` in ORDER BY would be the output column, the id as text.)
 */
export const PAGE_END_SQL = `
SELECT e.id::text AS id FROM outcome_events e
WHERE e."actionTypeId" = $1::uuid AND e.id > $2::bigint
ORDER BY e.id OFFSET $3::int - 1 LIMIT 1`;

/** Rows of a page are at most this many, so a place and a row's slot share one float exactly. */
const SLOTS = 65_536;

/** A page's JSON text (PAGE_SQL's `rows`) back to its outcomes in storage order. */
export function decodePage(text: string): DecodedPage {
  const groups = JSON.parse(text) as PageGroup[];
  let n = 0;
  let first = Infinity; // the page's smallest place: keys count from it (the first page's places are whole ids)
  for (const g of groups) {
    n += g[6].length;
    for (const place of g[6]) if (place < first) first = place;
  }
  if (n > SLOTS) throw new Error(`replay page: ${n} rows, at most ${SLOTS}`);
  // Every row as it comes (group by group), then its place in storage order: sort the rows by
  // place, each key carrying the row's slot in its low bits.
  const flat = new Array<FoldOutcome>(n);
  const flatReceived = new Float64Array(n);
  const keys = new Float64Array(n);
  let slot = 0;
  for (const [kind, tier, severity, version, source, received, places, occurred, reverted] of groups) {
    const agentVersion = version || null;
    for (let i = 0; i < places.length; i++) {
      const place = places[i]! - first + 1;
      if (!Number.isSafeInteger(place * SLOTS)) throw new Error(`replay page: place ${places[i]} out of range`);
      const r = reverted?.[i] ?? null;
      flat[slot] = {
        kind,
        tier,
        occurredAt: occurred[i]!,
        agentVersion,
        severity,
        reverts: r ? { kind: r[0], tier: r[1], occurredAt: r[2], agentVersion: r[3] || null } : null,
        source: source as FoldOutcome["source"],
      };
      flatReceived[slot] = received;
      keys[slot] = place * SLOTS + slot;
      slot++;
    }
  }
  keys.sort();
  const outcomes = new Array<FoldOutcome>(n);
  const receivedAt = new Float64Array(n);
  let previous = 0;
  for (let k = 0; k < n; k++) {
    const place = Math.floor(keys[k]! / SLOTS);
    if (place === previous) throw new Error(`replay page: place ${place} is not unique`);
    previous = place;
    const from = keys[k]! - place * SLOTS;
    outcomes[k] = flat[from]!;
    receivedAt[k] = flatReceived[from]!;
  }
  return { outcomes, receivedAt };
}
