-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "TierChangeCause" ADD VALUE 'ramp_advance';
ALTER TYPE "TierChangeCause" ADD VALUE 'ramp_step_back';
ALTER TYPE "TierChangeCause" ADD VALUE 'slider_change';

-- AlterTable
ALTER TABLE "action_types" ADD COLUMN     "rampStep" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "rampStepSince" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "sliderSalt" TEXT NOT NULL DEFAULT replace((gen_random_uuid())::text, '-'::text, ''::text);
