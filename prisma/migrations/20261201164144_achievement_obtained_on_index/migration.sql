-- CreateIndex
CREATE INDEX "Achievement_obtainedOn_id_idx" ON "Achievement"("obtainedOn", "id");
