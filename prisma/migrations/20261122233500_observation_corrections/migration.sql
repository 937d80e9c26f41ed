-- AlterTable
ALTER TABLE "Observation" ADD COLUMN     "supersedesId" INTEGER;

-- CreateIndex
CREATE UNIQUE INDEX "Observation_supersedesId_key" ON "Observation"("supersedesId");

-- AddForeignKey
ALTER TABLE "Observation" ADD CONSTRAINT "Observation_supersedesId_fkey" FOREIGN KEY ("supersedesId") REFERENCES "Observation"("id") ON DELETE SET NULL ON UPDATE CASCADE;
