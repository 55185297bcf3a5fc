-- CreateTable
CREATE TABLE "audit_streams" (
    "endpointId" UUID NOT NULL,
    "deliveredSeq" BIGINT NOT NULL DEFAULT 0,
    "pendingToSeq" BIGINT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastAttemptAt" TIMESTAMPTZ(3),
    "lastError" TEXT NOT NULL DEFAULT '',
    "lockedUntil" TIMESTAMPTZ(3),

    CONSTRAINT "audit_streams_pkey" PRIMARY KEY ("endpointId")
);

-- AddForeignKey
ALTER TABLE "audit_streams" ADD CONSTRAINT "audit_streams_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;
