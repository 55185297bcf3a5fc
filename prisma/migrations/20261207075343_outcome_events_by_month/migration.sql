-- Issue 26 item 3: outcome_events partitioned by month of arrival (declarative RANGE partitioning on
-- "receivedAt"), on both backends. Each month is a table outcome_events_YYYY_MM; what arrives in a month
-- without one goes to outcome_events_default. lib/outcome-partitions/mutations.ts creates the coming months' partitions
-- (a jobs task); retention archives a month and drops its partition (lib/retention/mutations.ts).
-- A partitioned table's unique indexes must hold the partition key, so the idempotency key's uniqueness, and
-- "each event reverted once", move to outcome_event_keys. Existing rows are copied, in id order; the id
-- sequence carries on.

-- The unpartitioned table steps aside; its indexes and constraints go, so the new ones take Prisma's names.
ALTER TABLE "outcome_events" RENAME TO "outcome_events_unpartitioned";
DROP INDEX "outcome_events_agentId_idempotencyKey_key";
DROP INDEX "outcome_events_agentId_reverts_key";
DROP INDEX "outcome_events_actionTypeId_occurredAt_id_idx";
DROP INDEX "outcome_events_actionTypeId_id_idx";
DROP INDEX "outcome_events_receivedAt_id_idx";
ALTER TABLE "outcome_events_unpartitioned" DROP CONSTRAINT "outcome_events_pkey";
ALTER TABLE "outcome_events_unpartitioned" DROP CONSTRAINT "outcome_events_agentId_fkey";
ALTER TABLE "outcome_events_unpartitioned" DROP CONSTRAINT "outcome_events_actionTypeId_fkey";

-- CreateTable (same columns, same order: archives render rows with row_to_json)
CREATE TABLE "outcome_events" (
    "id" BIGINT NOT NULL DEFAULT nextval('"outcome_events_id_seq"'),
    "agentId" UUID NOT NULL,
    "actionTypeId" UUID NOT NULL,
    "kind" "EventKind" NOT NULL,
    "tier" "Tier" NOT NULL,
    "severity" "Severity",
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "idempotencyKey" TEXT NOT NULL,
    "agentVersion" TEXT NOT NULL DEFAULT '',
    "subjectRef" TEXT,
    "metadata" JSONB,
    "reverts" TEXT,
    "source" TEXT NOT NULL DEFAULT 'agent',

    CONSTRAINT "outcome_events_pkey" PRIMARY KEY ("id", "receivedAt")
) PARTITION BY RANGE ("receivedAt");
ALTER SEQUENCE "outcome_events_id_seq" OWNED BY "outcome_events"."id";

CREATE TABLE "outcome_events_default" PARTITION OF "outcome_events" DEFAULT;

-- A partition per month from the oldest stored outcome's to two months ahead (UTC months).
DO $$
DECLARE
  first_month timestamptz := date_trunc('month', coalesce(
    (SELECT min("receivedAt") FROM "outcome_events_unpartitioned"), now()) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  last_month timestamptz := date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '2 months';
  m timestamptz := first_month;
BEGIN
  WHILE m <= last_month LOOP
    EXECUTE format(
      'CREATE TABLE %I PARTITION OF "outcome_events" FOR VALUES FROM (%L) TO (%L)',
      'outcome_events_' || to_char(m AT TIME ZONE 'UTC', 'YYYY_MM'),
      to_char(m AT TIME ZONE 'UTC', 'YYYY-MM-DD"T00:00:00Z"'),
      to_char((m AT TIME ZONE 'UTC') + interval '1 month', 'YYYY-MM-DD"T00:00:00Z"'));
    m := ((m AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC';
  END LOOP;
END $$;

INSERT INTO "outcome_events" SELECT * FROM "outcome_events_unpartitioned" ORDER BY "id";

-- CreateIndex (on the parent: every partition, present and future, gets them)
CREATE INDEX "outcome_events_agentId_idempotencyKey_idx" ON "outcome_events"("agentId", "idempotencyKey");
CREATE INDEX "outcome_events_actionTypeId_occurredAt_id_idx" ON "outcome_events"("actionTypeId", "occurredAt", "id");
CREATE INDEX "outcome_events_actionTypeId_id_idx" ON "outcome_events"("actionTypeId", "id");
CREATE INDEX "outcome_events_receivedAt_id_idx" ON "outcome_events"("receivedAt", "id");

-- AddForeignKey
ALTER TABLE "outcome_events" ADD CONSTRAINT "outcome_events_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "outcome_events" ADD CONSTRAINT "outcome_events_actionTypeId_fkey" FOREIGN KEY ("actionTypeId") REFERENCES "action_types"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE "outcome_event_keys" (
    "agentId" UUID NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "reverts" TEXT,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "outcome_event_keys_pkey" PRIMARY KEY ("agentId","idempotencyKey")
);
INSERT INTO "outcome_event_keys" ("agentId", "idempotencyKey", "reverts", "receivedAt")
  SELECT "agentId", "idempotencyKey", "reverts", "receivedAt" FROM "outcome_events_unpartitioned";

-- CreateIndex
CREATE INDEX "outcome_event_keys_receivedAt_idx" ON "outcome_event_keys"("receivedAt");
CREATE UNIQUE INDEX "outcome_event_keys_agentId_reverts_key" ON "outcome_event_keys"("agentId", "reverts");
-- No foreign key to agents (prisma/schema.prisma says why).

DROP TABLE "outcome_events_unpartitioned";

-- Partition DDL needs the parent's owner; the app's role (docs/production.md, "Two database roles") calls
-- these two owner's functions instead (lib/outcome-partitions/mutations.ts). Each takes any instant of the month and
-- names the partition itself.
-- Creates the month's partition; false when it exists or the default partition holds outcomes of that month.
CREATE FUNCTION "cwr_create_outcome_partition"(at timestamptz) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  m timestamp := date_trunc('month', at AT TIME ZONE 'UTC');
  name text := 'outcome_events_' || to_char(m, 'YYYY_MM');
BEGIN
  IF to_regclass(quote_ident(name)) IS NOT NULL THEN RETURN false; END IF;
  IF EXISTS (SELECT 1 FROM "outcome_events_default"
             WHERE "receivedAt" >= m AT TIME ZONE 'UTC' AND "receivedAt" < (m + interval '1 month') AT TIME ZONE 'UTC') THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE TABLE %I PARTITION OF "outcome_events" FOR VALUES FROM (%L) TO (%L)', name,
    to_char(m, 'YYYY-MM-DD"T00:00:00Z"'), to_char(m + interval '1 month', 'YYYY-MM-DD"T00:00:00Z"'));
  RETURN true;
END $$;

-- Drops the month's partition, rows and all (retention archives them first); never the current month's
-- or the previous one's. False when there is none.
CREATE FUNCTION "cwr_drop_outcome_partition"(at timestamptz) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  m timestamp := date_trunc('month', at AT TIME ZONE 'UTC');
  name text := 'outcome_events_' || to_char(m, 'YYYY_MM');
BEGIN
  IF m + interval '1 month' > date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month' THEN
    RAISE EXCEPTION 'the partition of % is too recent to drop', to_char(m, 'YYYY-MM');
  END IF;
  IF to_regclass(quote_ident(name)) IS NULL THEN RETURN false; END IF;
  EXECUTE format('DROP TABLE %I', name);
  RETURN true;
END $$;

REVOKE EXECUTE ON FUNCTION "cwr_create_outcome_partition"(timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION "cwr_drop_outcome_partition"(timestamptz) FROM PUBLIC;
