-- Issue 26: the overview's health and eligibility, stored (lib/gating/health-summary.ts, lib/state/health-summary.ts).
-- Existing rows take summaryStaleAt's default, the epoch: the first refresh (at boot, in the jobs, or before
-- the overview reads it) computes their summary with the gating core. No SQL could: the rule lives in TypeScript.
-- AlterTable
ALTER TABLE "action_types" ADD COLUMN     "eligibleFrom" TIMESTAMPTZ(3),
ADD COLUMN     "healthMargin" DOUBLE PRECISION NOT NULL DEFAULT 1,
ADD COLUMN     "summaryStaleAt" TIMESTAMPTZ(3) DEFAULT '1970-01-01 00:00:00+00'::timestamptz;

-- CreateIndex
CREATE INDEX "action_types_healthMargin_key_id_idx" ON "action_types"("healthMargin", "key", "id");

-- CreateIndex
CREATE INDEX "action_types_eligibleFrom_idx" ON "action_types"("eligibleFrom");

-- CreateIndex
CREATE INDEX "action_types_summaryStaleAt_idx" ON "action_types"("summaryStaleAt");
