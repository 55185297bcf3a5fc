-- CreateEnum
CREATE TYPE "RoleGrantStatus" AS ENUM ('open', 'approved', 'rejected', 'withdrawn');

-- CreateTable
CREATE TABLE "role_grants" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "role" "Role" NOT NULL,
    "fromRole" "Role" NOT NULL,
    "requestedById" UUID NOT NULL,
    "requestedByLabel" TEXT NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "status" "RoleGrantStatus" NOT NULL DEFAULT 'open',
    "decidedById" UUID,
    "decisionRationale" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMPTZ(3),

    CONSTRAINT "role_grants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_sessions" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "user_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "role_grants_status_createdAt_idx" ON "role_grants"("status", "createdAt");

-- CreateIndex
CREATE INDEX "role_grants_userId_idx" ON "role_grants"("userId");

-- CreateIndex
CREATE INDEX "user_sessions_userId_idx" ON "user_sessions"("userId");

-- AddForeignKey
ALTER TABLE "role_grants" ADD CONSTRAINT "role_grants_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_sessions" ADD CONSTRAINT "user_sessions_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
