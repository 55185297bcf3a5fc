-- DropIndex
DROP INDEX "outcome_events_actionTypeId_occurredAt_idx";

-- CreateIndex
CREATE INDEX "outcome_events_actionTypeId_occurredAt_id_idx" ON "outcome_events"("actionTypeId", "occurredAt", "id");
