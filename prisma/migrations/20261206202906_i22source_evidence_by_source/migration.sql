-- CreateEnum
CREATE TYPE "KeyScope" AS ENUM ('agent', 'reporter');

-- AlterTable
ALTER TABLE "action_types" ADD COLUMN     "evidenceSources" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "scope" "KeyScope" NOT NULL DEFAULT 'agent';

-- AlterTable
ALTER TABLE "outcome_events" ADD COLUMN     "source" TEXT NOT NULL DEFAULT 'agent';
