-- CreateTable
CREATE TABLE "LedgerEntry" (
    "id" BIGSERIAL NOT NULL,
    "generation" INTEGER NOT NULL,
    "enterpriseId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "jurisdictionId" INTEGER NOT NULL,
    "jurisdiction" TEXT NOT NULL,
    "district" TEXT NOT NULL,
    "policyKey" TEXT NOT NULL,
    "policyVersion" TEXT NOT NULL,
    "versionLabel" TEXT,
    "incentiveKey" TEXT NOT NULL,
    "clausePath" TEXT NOT NULL,
    "achievementId" INTEGER NOT NULL,
    "year" INTEGER,
    "eligibility" TEXT NOT NULL,
    "reason" TEXT,
    "missing" TEXT[],
    "disposition" TEXT NOT NULL,
    "nature" TEXT NOT NULL,
    "amountYuan" INTEGER,
    "payer" TEXT,
    "provincialPartYuan" INTEGER,
    "relatedIncentiveKey" TEXT,
    "relatedAchievementId" INTEGER,
    "steps" JSONB NOT NULL,

    CONSTRAINT "LedgerEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LedgerState" (
    "id" INTEGER NOT NULL,
    "generation" INTEGER NOT NULL DEFAULT 0,
    "asOf" DATE,
    "fingerprint" TEXT,
    "building" INTEGER,
    "buildingAsOf" DATE,
    "buildingFingerprint" TEXT,
    "buildingSince" TIMESTAMP(3),
    "switchedAt" TIMESTAMP(3),

    CONSTRAINT "LedgerState_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LedgerTouch" (
    "generation" INTEGER NOT NULL,
    "enterpriseId" INTEGER NOT NULL,

    CONSTRAINT "LedgerTouch_pkey" PRIMARY KEY ("generation","enterpriseId")
);

-- CreateIndex
CREATE INDEX "LedgerEntry_generation_enterpriseId_idx" ON "LedgerEntry"("generation", "enterpriseId");

-- CreateIndex
CREATE INDEX "LedgerEntry_generation_policyKey_incentiveKey_idx" ON "LedgerEntry"("generation", "policyKey", "incentiveKey");

-- The one state row: no ledger yet (generation 0); the first rebuild fills it.
INSERT INTO "LedgerState" ("id") VALUES (1);
