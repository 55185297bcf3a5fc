-- CreateEnum
CREATE TYPE "ProposalStatus" AS ENUM ('pending', 'accepted', 'edited', 'rejected');

-- CreateTable
CREATE TABLE "proposals" (
    "id" UUID NOT NULL,
    "agentId" UUID NOT NULL,
    "actionTypeId" UUID NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "parameters" JSONB NOT NULL,
    "digest" TEXT NOT NULL,
    "status" "ProposalStatus" NOT NULL DEFAULT 'pending',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "decidedAt" TIMESTAMPTZ(3),
    "decidedById" UUID,
    "decisionReason" TEXT,
    "grantedParameters" JSONB,
    "grantDigest" TEXT,
    "consumedAt" TIMESTAMPTZ(3),

    CONSTRAINT "proposals_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "proposals_actionTypeId_status_createdAt_idx" ON "proposals"("actionTypeId", "status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "proposals_agentId_idempotencyKey_key" ON "proposals"("agentId", "idempotencyKey");

-- AddForeignKey
ALTER TABLE "proposals" ADD CONSTRAINT "proposals_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "proposals" ADD CONSTRAINT "proposals_actionTypeId_fkey" FOREIGN KEY ("actionTypeId") REFERENCES "action_types"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "proposals" ADD CONSTRAINT "proposals_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
