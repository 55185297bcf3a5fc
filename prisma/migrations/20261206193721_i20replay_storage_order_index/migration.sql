-- CreateIndex
CREATE INDEX "outcome_events_actionTypeId_id_idx" ON "outcome_events"("actionTypeId", "id");
