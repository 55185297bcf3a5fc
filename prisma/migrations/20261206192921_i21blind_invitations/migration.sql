/*
  Warnings:

  - A unique constraint covering the columns `[invitationHash]` on the table `users` will be added. If there are existing duplicate values, this will fail.

*/
-- AlterTable
ALTER TABLE "users" ADD COLUMN     "invitationExpiresAt" TIMESTAMPTZ(3),
ADD COLUMN     "invitationHash" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "users_invitationHash_key" ON "users"("invitationHash");
