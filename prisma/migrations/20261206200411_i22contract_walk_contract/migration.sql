-- AlterTable
ALTER TABLE "agents" ADD COLUMN     "contractSince" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "agent_contract_entries" (
    "id" UUID NOT NULL,
    "agentId" UUID NOT NULL,
    "entry" TEXT NOT NULL,
    "requestId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agent_contract_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "contract_requests" (
    "id" UUID NOT NULL,
    "agentId" UUID NOT NULL,
    "entry" TEXT NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "requestedById" UUID NOT NULL,
    "requestedByLabel" TEXT NOT NULL,
    "status" "RoleGrantStatus" NOT NULL DEFAULT 'open',
    "decidedById" UUID,
    "decisionRationale" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMPTZ(3),

    CONSTRAINT "contract_requests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "agent_contract_entries_agentId_entry_key" ON "agent_contract_entries"("agentId", "entry");

-- CreateIndex
CREATE INDEX "contract_requests_agentId_status_idx" ON "contract_requests"("agentId", "status");

-- AddForeignKey
ALTER TABLE "agent_contract_entries" ADD CONSTRAINT "agent_contract_entries_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contract_requests" ADD CONSTRAINT "contract_requests_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;
