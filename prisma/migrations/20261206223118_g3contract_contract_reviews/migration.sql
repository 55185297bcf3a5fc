-- WALK's contract: an addition is reviewed like every other loosening (blind reviews, a quorum, an expiry).
-- Hand-edited from the generated diff so that existing requests keep their history: a request decided by
-- one person becomes a request with that one review; an approved one was applied at once.

-- AlterTable: the new columns, filled for existing rows, then without defaults (as the schema says)
ALTER TABLE "contract_requests"
ADD COLUMN     "expiresAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "reviewersRequired" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "snapshotHash" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "statusReason" TEXT NOT NULL DEFAULT '';
UPDATE "contract_requests" SET "expiresAt" = "createdAt" + interval '14 days', "snapshotHash" = 'legacy:' || "id"::text;
ALTER TABLE "contract_requests" ALTER COLUMN "expiresAt" DROP DEFAULT,
ALTER COLUMN "reviewersRequired" DROP DEFAULT,
ALTER COLUMN "snapshotHash" DROP DEFAULT;

-- CreateTable
CREATE TABLE "contract_reviews" (
    "id" UUID NOT NULL,
    "requestId" UUID NOT NULL,
    "reviewerId" UUID NOT NULL,
    "decision" "ReviewDecision" NOT NULL,
    "rationale" TEXT NOT NULL,
    "snapshotHash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "contract_reviews_pkey" PRIMARY KEY ("id")
);

-- Decisions already taken become reviews
INSERT INTO "contract_reviews" ("id", "requestId", "reviewerId", "decision", "rationale", "snapshotHash", "createdAt")
SELECT gen_random_uuid(), "id", "decidedById",
       (CASE "status"::text WHEN 'approved' THEN 'approve' ELSE 'reject' END)::"ReviewDecision",
       "decisionRationale", "snapshotHash", COALESCE("decidedAt", "createdAt")
FROM "contract_requests"
WHERE "decidedById" IS NOT NULL AND "status"::text IN ('approved', 'rejected');

ALTER TABLE "contract_requests" DROP COLUMN "decidedById",
DROP COLUMN "decisionRationale";

-- The request statuses of every other request: an approved addition was applied at once
ALTER TABLE "contract_requests" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "contract_requests" ALTER COLUMN "status" TYPE "RequestStatus"
  USING (CASE "status"::text WHEN 'approved' THEN 'applied' ELSE "status"::text END)::"RequestStatus";
ALTER TABLE "contract_requests" ALTER COLUMN "status" SET DEFAULT 'open';

-- CreateIndex
CREATE UNIQUE INDEX "contract_reviews_requestId_reviewerId_snapshotHash_key" ON "contract_reviews"("requestId", "reviewerId", "snapshotHash");

-- CreateIndex
CREATE INDEX "contract_requests_status_expiresAt_idx" ON "contract_requests"("status", "expiresAt");

-- AddForeignKey
ALTER TABLE "contract_reviews" ADD CONSTRAINT "contract_reviews_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "contract_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contract_reviews" ADD CONSTRAINT "contract_reviews_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
