/*
  Warnings:

  - The primary key for the `IdempotencyKey` table will be changed. If it partially fails, the table could be left without primary key constraint.

*/
-- AlterTable
ALTER TABLE "IdempotencyKey" DROP CONSTRAINT "IdempotencyKey_pkey",
ADD COLUMN     "holderId" INTEGER NOT NULL DEFAULT 0,
ADD CONSTRAINT "IdempotencyKey_pkey" PRIMARY KEY ("holderId", "key");
