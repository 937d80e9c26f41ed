-- DropIndex
DROP INDEX "Achievement_enterpriseId_idx";

-- CreateIndex
CREATE INDEX "Achievement_enterpriseId_obtainedOn_id_idx" ON "Achievement"("enterpriseId", "obtainedOn", "id");
