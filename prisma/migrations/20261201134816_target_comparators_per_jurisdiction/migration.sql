-- CreateEnum
CREATE TYPE "TargetPer" AS ENUM ('SCOPE', 'EACH_JURISDICTION');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "Comparator" ADD VALUE 'GT';
ALTER TYPE "Comparator" ADD VALUE 'LT';

-- AlterTable
ALTER TABLE "Target" ADD COLUMN     "per" "TargetPer" NOT NULL DEFAULT 'SCOPE';

-- AlterTable
ALTER TABLE "TargetScheduleEntry" ADD COLUMN     "comparator" "Comparator";

-- CreateTable
CREATE TABLE "_TargetAppliesTo" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,

    CONSTRAINT "_TargetAppliesTo_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateIndex
CREATE INDEX "_TargetAppliesTo_B_index" ON "_TargetAppliesTo"("B");

-- AddForeignKey
ALTER TABLE "_TargetAppliesTo" ADD CONSTRAINT "_TargetAppliesTo_A_fkey" FOREIGN KEY ("A") REFERENCES "Jurisdiction"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_TargetAppliesTo" ADD CONSTRAINT "_TargetAppliesTo_B_fkey" FOREIGN KEY ("B") REFERENCES "Target"("id") ON DELETE CASCADE ON UPDATE CASCADE;
