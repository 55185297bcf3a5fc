-- CreateTable
CREATE TABLE "outcome_retention" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "months" INTEGER,
    "archivedBefore" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outcome_retention_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "outcome_events_receivedAt_id_idx" ON "outcome_events"("receivedAt", "id");
