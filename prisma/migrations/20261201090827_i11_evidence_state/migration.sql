/*
  Warnings:

  - A unique constraint covering the columns `[agentId,reverts]` on the table `outcome_events` will be added. If there are existing duplicate values, this will fail.

*/
-- AlterTable
ALTER TABLE "action_types" ADD COLUMN     "evidenceDays" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "evidenceRestarts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "gateLook" JSONB,
ADD COLUMN     "stayDays" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "outcome_events" ADD COLUMN     "reverts" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "outcome_events_agentId_reverts_key" ON "outcome_events"("agentId", "reverts");
