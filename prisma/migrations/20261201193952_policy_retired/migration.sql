-- AlterTable
ALTER TABLE "Policy" ADD COLUMN     "file" TEXT,
ADD COLUMN     "retiredAt" TIMESTAMP(3);
