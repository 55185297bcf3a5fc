-- CreateTable
CREATE TABLE "audit_witnesses" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "vkey" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" UUID,

    CONSTRAINT "audit_witnesses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_witness_quorum" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "quorum" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "audit_witness_quorum_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_cosignatures" (
    "checkpointSize" BIGINT NOT NULL,
    "witnessId" UUID NOT NULL,
    "time" BIGINT NOT NULL,
    "line" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_cosignatures_pkey" PRIMARY KEY ("checkpointSize","witnessId")
);

-- CreateIndex
CREATE UNIQUE INDEX "audit_witnesses_name_key" ON "audit_witnesses"("name");

-- CreateIndex
CREATE UNIQUE INDEX "audit_witnesses_vkey_key" ON "audit_witnesses"("vkey");

-- AddForeignKey
ALTER TABLE "audit_cosignatures" ADD CONSTRAINT "audit_cosignatures_witnessId_fkey" FOREIGN KEY ("witnessId") REFERENCES "audit_witnesses"("id") ON DELETE CASCADE ON UPDATE CASCADE;
