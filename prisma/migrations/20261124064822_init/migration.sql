-- CreateEnum
CREATE TYPE "Role" AS ENUM ('viewer', 'reviewer', 'admin', 'auditor');

-- CreateEnum
CREATE TYPE "Tier" AS ENUM ('CRAWL', 'WALK', 'RUN');

-- CreateEnum
CREATE TYPE "BlastRadius" AS ENUM ('low', 'medium', 'high', 'critical');

-- CreateEnum
CREATE TYPE "Severity" AS ENUM ('low', 'medium', 'high', 'critical');

-- CreateEnum
CREATE TYPE "EventKind" AS ENUM ('suggestion.accepted', 'suggestion.edited', 'suggestion.rejected', 'action.completed', 'action.reverted', 'action.escalated', 'outcome.positive', 'outcome.negative', 'incident');

-- CreateEnum
CREATE TYPE "RequestKind" AS ENUM ('promotion', 'override', 'policy_change');

-- CreateEnum
CREATE TYPE "RequestStatus" AS ENUM ('open', 'approved', 'rejected', 'withdrawn', 'expired', 'applied');

-- CreateEnum
CREATE TYPE "ReviewDecision" AS ENUM ('approve', 'reject');

-- CreateEnum
CREATE TYPE "TierChangeCause" AS ENUM ('promotion', 'automatic_demotion', 'manual_demotion', 'freeze', 'unfreeze', 'override');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'viewer',
    "passwordHash" TEXT,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastLoginAt" TIMESTAMPTZ(3),

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agents" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "agentId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "action_types" (
    "id" UUID NOT NULL,
    "agentId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "blastRadius" "BlastRadius" NOT NULL,
    "reversible" BOOLEAN NOT NULL,
    "tier" "Tier" NOT NULL DEFAULT 'CRAWL',
    "tierSince" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "frozen" BOOLEAN NOT NULL DEFAULT false,
    "frozenSince" TIMESTAMPTZ(3),
    "agentVersion" TEXT,
    "evidenceSince" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "evidenceSuccesses" INTEGER NOT NULL DEFAULT 0,
    "evidenceTrials" INTEGER NOT NULL DEFAULT 0,
    "cusum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "stateVersion" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "action_types_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "policies" (
    "id" UUID NOT NULL,
    "actionTypeId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "rules" JSONB NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "policies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outcome_events" (
    "id" BIGSERIAL NOT NULL,
    "agentId" UUID NOT NULL,
    "actionTypeId" UUID NOT NULL,
    "kind" "EventKind" NOT NULL,
    "tier" "Tier" NOT NULL,
    "severity" "Severity",
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "idempotencyKey" TEXT NOT NULL,
    "agentVersion" TEXT NOT NULL DEFAULT '',
    "subjectRef" TEXT,
    "metadata" JSONB,

    CONSTRAINT "outcome_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "metric_rollups" (
    "actionTypeId" UUID NOT NULL,
    "tier" "Tier" NOT NULL,
    "day" DATE NOT NULL,
    "successes" INTEGER NOT NULL DEFAULT 0,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "incidents" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "metric_rollups_pkey" PRIMARY KEY ("actionTypeId","tier","day")
);

-- CreateTable
CREATE TABLE "review_requests" (
    "id" UUID NOT NULL,
    "actionTypeId" UUID NOT NULL,
    "kind" "RequestKind" NOT NULL,
    "fromTier" "Tier",
    "toTier" "Tier",
    "requesterId" UUID NOT NULL,
    "justification" TEXT NOT NULL DEFAULT '',
    "policyId" UUID NOT NULL,
    "snapshot" JSONB NOT NULL,
    "snapshotHash" TEXT NOT NULL,
    "proposedRules" JSONB,
    "reviewersRequired" INTEGER NOT NULL,
    "status" "RequestStatus" NOT NULL DEFAULT 'open',
    "statusReason" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "decidedAt" TIMESTAMPTZ(3),
    "appliedAt" TIMESTAMPTZ(3),

    CONSTRAINT "review_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reviews" (
    "id" UUID NOT NULL,
    "requestId" UUID NOT NULL,
    "reviewerId" UUID NOT NULL,
    "decision" "ReviewDecision" NOT NULL,
    "rationale" TEXT NOT NULL,
    "snapshotHash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reviews_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tier_changes" (
    "id" UUID NOT NULL,
    "actionTypeId" UUID NOT NULL,
    "fromTier" "Tier" NOT NULL,
    "toTier" "Tier" NOT NULL,
    "frozen" BOOLEAN NOT NULL,
    "cause" "TierChangeCause" NOT NULL,
    "actorUserId" UUID,
    "actorSystem" JSONB,
    "rationale" TEXT NOT NULL,
    "requestId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tier_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_entries" (
    "seq" BIGSERIAL NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT,
    "actorLabel" TEXT NOT NULL DEFAULT '',
    "kind" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "agentId" UUID,
    "actionTypeId" UUID,
    "data" JSONB NOT NULL,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_entries_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "agents_slug_key" ON "agents"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_hash_key" ON "api_keys"("hash");

-- CreateIndex
CREATE INDEX "api_keys_agentId_idx" ON "api_keys"("agentId");

-- CreateIndex
CREATE UNIQUE INDEX "action_types_agentId_key_key" ON "action_types"("agentId", "key");

-- CreateIndex
CREATE UNIQUE INDEX "policies_actionTypeId_version_key" ON "policies"("actionTypeId", "version");

-- CreateIndex
CREATE INDEX "outcome_events_actionTypeId_occurredAt_idx" ON "outcome_events"("actionTypeId", "occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "outcome_events_agentId_idempotencyKey_key" ON "outcome_events"("agentId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "review_requests_status_expiresAt_idx" ON "review_requests"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "review_requests_actionTypeId_status_idx" ON "review_requests"("actionTypeId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "reviews_requestId_reviewerId_snapshotHash_key" ON "reviews"("requestId", "reviewerId", "snapshotHash");

-- CreateIndex
CREATE INDEX "tier_changes_actionTypeId_createdAt_idx" ON "tier_changes"("actionTypeId", "createdAt");

-- CreateIndex
CREATE INDEX "tier_changes_createdAt_idx" ON "tier_changes"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "audit_entries_hash_key" ON "audit_entries"("hash");

-- CreateIndex
CREATE INDEX "audit_entries_createdAt_idx" ON "audit_entries"("createdAt");

-- CreateIndex
CREATE INDEX "audit_entries_kind_createdAt_idx" ON "audit_entries"("kind", "createdAt");

-- CreateIndex
CREATE INDEX "audit_entries_actionTypeId_createdAt_idx" ON "audit_entries"("actionTypeId", "createdAt");

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "action_types" ADD CONSTRAINT "action_types_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policies" ADD CONSTRAINT "policies_actionTypeId_fkey" FOREIGN KEY ("actionTypeId") REFERENCES "action_types"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policies" ADD CONSTRAINT "policies_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outcome_events" ADD CONSTRAINT "outcome_events_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outcome_events" ADD CONSTRAINT "outcome_events_actionTypeId_fkey" FOREIGN KEY ("actionTypeId") REFERENCES "action_types"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "metric_rollups" ADD CONSTRAINT "metric_rollups_actionTypeId_fkey" FOREIGN KEY ("actionTypeId") REFERENCES "action_types"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_requests" ADD CONSTRAINT "review_requests_actionTypeId_fkey" FOREIGN KEY ("actionTypeId") REFERENCES "action_types"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_requests" ADD CONSTRAINT "review_requests_requesterId_fkey" FOREIGN KEY ("requesterId") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_requests" ADD CONSTRAINT "review_requests_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "policies"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "review_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tier_changes" ADD CONSTRAINT "tier_changes_actionTypeId_fkey" FOREIGN KEY ("actionTypeId") REFERENCES "action_types"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tier_changes" ADD CONSTRAINT "tier_changes_actorUserId_fkey" FOREIGN KEY ("actorUserId") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tier_changes" ADD CONSTRAINT "tier_changes_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "review_requests"("id") ON DELETE SET NULL ON UPDATE CASCADE;
