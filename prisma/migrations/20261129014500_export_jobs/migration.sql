-- CreateEnum
CREATE TYPE "ExportReport" AS ENUM ('ENTITLEMENTS_BY_ENTERPRISE', 'TARGET_PROGRESS', 'ACHIEVEMENTS_BY_DISTRICT');

-- CreateEnum
CREATE TYPE "ExportFormat" AS ENUM ('CSV', 'XLSX', 'JSONL');

-- CreateEnum
CREATE TYPE "ExportStatus" AS ENUM ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED');

-- CreateTable
CREATE TABLE "ExportJob" (
    "id" SERIAL NOT NULL,
    "ownerId" INTEGER NOT NULL,
    "report" "ExportReport" NOT NULL,
    "format" "ExportFormat" NOT NULL,
    "parameters" JSONB NOT NULL,
    "status" "ExportStatus" NOT NULL DEFAULT 'QUEUED',
    "rowsWritten" INTEGER NOT NULL DEFAULT 0,
    "rowsTotal" INTEGER,
    "scanDone" INTEGER NOT NULL DEFAULT 0,
    "scanTotal" INTEGER,
    "bytes" INTEGER,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "runToken" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ExportJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ExportJob_ownerId_createdAt_idx" ON "ExportJob"("ownerId", "createdAt");

-- CreateIndex
CREATE INDEX "ExportJob_status_leaseUntil_idx" ON "ExportJob"("status", "leaseUntil");

-- AddForeignKey
ALTER TABLE "ExportJob" ADD CONSTRAINT "ExportJob_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "ApiKey"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
