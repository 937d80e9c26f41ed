-- AlterTable
ALTER TABLE "Target" ADD COLUMN     "versions" JSONB NOT NULL DEFAULT '[]';
