-- CreateEnum
CREATE TYPE "ObtainedAs" AS ENUM ('NEW', 'HELD');

-- AlterTable
ALTER TABLE "Incentive" ADD COLUMN     "obtained" "ObtainedAs" NOT NULL DEFAULT 'NEW',
ADD COLUMN     "restatedIn" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "stageByLevel" BOOLEAN NOT NULL DEFAULT false;
