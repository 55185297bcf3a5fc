-- AlterTable
ALTER TABLE "action_types" ADD COLUMN     "rampSpent" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "rampSuccesses" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "rampTrials" INTEGER NOT NULL DEFAULT 0;

-- The step counters start empty, so the step in force starts now (issue 20): its evidence is counted
-- from the exact moment the step began, and no outcome from before the counters existed is reused.
UPDATE "action_types" SET "rampStepSince" = now() WHERE "tier" = 'RUN';
