-- AlterTable
ALTER TABLE "Indicator" ADD COLUMN     "countsAchievements" JSONB;
