-- Issue 11: the demotion detector's minimum sample now reads the per-day counts of the stay kept by
-- the evidence fold. Rows from before it get them from the daily rollups of their current tier since
-- tier entry, so an upgrade does not blind the detector until new outcomes arrive. (Per-day promotion
-- evidence needs no backfill: lib/metrics/evidence-state.ts dates uncounted evidence at its start.)
UPDATE "action_types" a
SET "stayDays" = sub.days
FROM (
  SELECT r."actionTypeId" AS id,
         jsonb_object_agg(to_char(r.day, 'YYYY-MM-DD'), jsonb_build_array(r.successes, r.successes + r.failures)) AS days
  FROM "metric_rollups" r
  JOIN "action_types" t ON t.id = r."actionTypeId" AND r.tier = t.tier AND r.day >= (t."tierSince" AT TIME ZONE 'UTC')::date
  WHERE r.successes + r.failures > 0 AND r.successes >= 0
  GROUP BY r."actionTypeId"
) sub
WHERE a.id = sub.id AND a."stayDays" = '{}'::jsonb;
