-- DropIndex
DROP INDEX "LedgerEntry_generation_policyKey_incentiveKey_idx";

-- CreateTable
CREATE TABLE "LedgerFigure" (
    "generation" INTEGER NOT NULL,
    "enterpriseId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "jurisdictionId" INTEGER NOT NULL,
    "policyKey" TEXT NOT NULL,
    "incentiveKey" TEXT NOT NULL,
    "year" INTEGER,
    "payer" TEXT,
    "eligibility" TEXT NOT NULL,
    "disposition" TEXT NOT NULL,
    "nature" TEXT NOT NULL,
    "amountYuan" INTEGER,
    "provincialPartYuan" INTEGER,

    CONSTRAINT "LedgerFigure_pkey" PRIMARY KEY ("generation","enterpriseId","position")
);

-- CreateIndex
CREATE INDEX "LedgerFigure_generation_policyKey_jurisdictionId_idx" ON "LedgerFigure"("generation", "policyKey", "jurisdictionId");

-- A ledger already built keeps serving totals: its counted rows, as the keeper now writes them.
INSERT INTO "LedgerFigure" ("generation", "enterpriseId", "position", "jurisdictionId", "policyKey", "incentiveKey",
    "year", "payer", "eligibility", "disposition", "nature", "amountYuan", "provincialPartYuan")
SELECT "generation", "enterpriseId", "position", "jurisdictionId", "policyKey", "incentiveKey",
    "year", "payer", "eligibility", "disposition", "nature", "amountYuan", "provincialPartYuan"
FROM "LedgerEntry"
WHERE "eligibility" = 'NEEDS_INFO' OR ("eligibility" = 'ELIGIBLE' AND "disposition" IN ('COUNTED', 'CONFLICT'));
