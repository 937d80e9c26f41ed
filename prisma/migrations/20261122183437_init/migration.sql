-- CreateEnum
CREATE TYPE "JurisdictionKind" AS ENUM ('PROVINCE', 'CITY', 'DISTRICT', 'COUNTY', 'COUNTY_CITY', 'ZONE');

-- CreateEnum
CREATE TYPE "RecipientKind" AS ENUM ('ENTERPRISE', 'ORGANIZATION', 'ASSOCIATION', 'PARK', 'LAB', 'TEAM', 'INDIVIDUAL', 'COUNTY');

-- CreateEnum
CREATE TYPE "StackingRule" AS ENUM ('ADDITIVE', 'BEST_SINGLE_PER_PROJECT');

-- CreateEnum
CREATE TYPE "FundPeriod" AS ENUM ('YEAR', 'TOTAL');

-- CreateEnum
CREATE TYPE "CoverageMode" AS ENUM ('APPLIES', 'MAY_REFER');

-- CreateEnum
CREATE TYPE "RuleKind" AS ENUM ('FIXED', 'TIERED', 'PER_UNIT', 'FIRST_PLUS_INCREMENT', 'PERCENTAGE', 'MATCHING', 'RANK', 'CEILING', 'UNSPECIFIED', 'NON_MONETARY');

-- CreateEnum
CREATE TYPE "Payer" AS ENUM ('CITY', 'BENEFICIARY', 'COUNTY', 'PROVINCE', 'CENTRAL');

-- CreateEnum
CREATE TYPE "CapPer" AS ENUM ('ENTERPRISE', 'ENTERPRISE_YEAR');

-- CreateEnum
CREATE TYPE "TargetKind" AS ENUM ('REACH', 'FLOOR', 'ANNUAL_ADDITIONS', 'STOCK', 'CUMULATIVE', 'RELATIVE');

-- CreateEnum
CREATE TYPE "Comparator" AS ENUM ('GTE', 'LTE');

-- CreateEnum
CREATE TYPE "Benchmark" AS ENUM ('PROVINCIAL_AVERAGE', 'NATIONAL_AVERAGE');

-- CreateEnum
CREATE TYPE "IndicatorUnit" AS ENUM ('PERCENT', 'COUNT', 'SCORE', 'YUAN', 'RATIO', 'DAYS', 'PERSON_TIMES');

-- CreateTable
CREATE TABLE "Jurisdiction" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "kind" "JurisdictionKind" NOT NULL,
    "parentId" INTEGER,

    CONSTRAINT "Jurisdiction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Policy" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "titleEn" TEXT NOT NULL,
    "documentNumber" TEXT,
    "issuer" TEXT NOT NULL,
    "jurisdictionId" INTEGER NOT NULL,
    "issuedOn" DATE NOT NULL,
    "effectiveFrom" DATE NOT NULL,
    "effectiveUntil" DATE,
    "stackingRule" "StackingRule" NOT NULL,
    "stackingClause" TEXT,
    "stackingQuote" TEXT,
    "fundYuan" INTEGER,
    "fundPeriod" "FundPeriod",
    "fundClause" TEXT,
    "supersession" TEXT,
    "notes" TEXT[],
    "contentHash" TEXT NOT NULL,
    "loadedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Policy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PolicyCoverage" (
    "policyId" INTEGER NOT NULL,
    "jurisdictionId" INTEGER NOT NULL,
    "mode" "CoverageMode" NOT NULL,

    CONSTRAINT "PolicyCoverage_pkey" PRIMARY KEY ("policyId","jurisdictionId")
);

-- CreateTable
CREATE TABLE "Clause" (
    "id" SERIAL NOT NULL,
    "policyId" INTEGER NOT NULL,
    "parentId" INTEGER,
    "path" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "heading" TEXT,
    "text" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "Clause_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AchievementKind" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "zh" TEXT NOT NULL,
    "en" TEXT NOT NULL,
    "description" TEXT,

    CONSTRAINT "AchievementKind_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AchievementLevel" (
    "id" SERIAL NOT NULL,
    "kindId" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "zh" TEXT NOT NULL,
    "en" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "AchievementLevel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Incentive" (
    "id" SERIAL NOT NULL,
    "policyId" INTEGER NOT NULL,
    "clauseId" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "quote" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "achievementKindId" INTEGER NOT NULL,
    "levels" TEXT[],
    "recipientKinds" "RecipientKind"[],
    "ruleKind" "RuleKind" NOT NULL,
    "rule" JSONB NOT NULL,
    "capYuan" INTEGER,
    "capPer" "CapPer",
    "payer" "Payer",
    "provincialPart" JSONB,
    "conditions" JSONB NOT NULL,
    "note" TEXT,
    "position" INTEGER NOT NULL,

    CONSTRAINT "Incentive_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Indicator" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "zh" TEXT NOT NULL,
    "en" TEXT NOT NULL,
    "unit" "IndicatorUnit" NOT NULL,

    CONSTRAINT "Indicator_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Target" (
    "id" SERIAL NOT NULL,
    "policyId" INTEGER NOT NULL,
    "clauseId" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "quote" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "indicatorId" INTEGER NOT NULL,
    "kind" "TargetKind" NOT NULL,
    "comparator" "Comparator" NOT NULL,
    "value" DOUBLE PRECISION,
    "benchmark" "Benchmark",
    "jurisdictionId" INTEGER NOT NULL,
    "baselineValue" DOUBLE PRECISION,
    "baselineYear" INTEGER,
    "fromYear" INTEGER,
    "toYear" INTEGER,
    "deadline" DATE,
    "note" TEXT,
    "position" INTEGER NOT NULL,

    CONSTRAINT "Target_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TargetScheduleEntry" (
    "id" SERIAL NOT NULL,
    "targetId" INTEGER NOT NULL,
    "jurisdictionId" INTEGER,
    "year" INTEGER NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "TargetScheduleEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Enterprise" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "creditCode" TEXT,
    "jurisdictionId" INTEGER NOT NULL,
    "industry" TEXT,
    "kind" "RecipientKind" NOT NULL DEFAULT 'ENTERPRISE',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "retiredAt" TIMESTAMP(3),

    CONSTRAINT "Enterprise_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Achievement" (
    "id" SERIAL NOT NULL,
    "enterpriseId" INTEGER NOT NULL,
    "kindId" INTEGER NOT NULL,
    "level" TEXT,
    "obtainedOn" DATE NOT NULL,
    "units" INTEGER,
    "costYuan" INTEGER,
    "budgetYuan" INTEGER,
    "provincialGrantYuan" INTEGER,
    "rank" INTEGER,
    "projectKey" TEXT,
    "facts" JSONB NOT NULL DEFAULT '{}',
    "evidence" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "retiredAt" TIMESTAMP(3),

    CONSTRAINT "Achievement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Observation" (
    "id" SERIAL NOT NULL,
    "indicatorId" INTEGER NOT NULL,
    "jurisdictionId" INTEGER NOT NULL,
    "year" INTEGER NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "source" TEXT NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Observation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Jurisdiction_code_key" ON "Jurisdiction"("code");

-- CreateIndex
CREATE INDEX "Jurisdiction_parentId_idx" ON "Jurisdiction"("parentId");

-- CreateIndex
CREATE UNIQUE INDEX "Policy_key_key" ON "Policy"("key");

-- CreateIndex
CREATE INDEX "Policy_jurisdictionId_idx" ON "Policy"("jurisdictionId");

-- CreateIndex
CREATE INDEX "PolicyCoverage_jurisdictionId_idx" ON "PolicyCoverage"("jurisdictionId");

-- CreateIndex
CREATE INDEX "Clause_parentId_idx" ON "Clause"("parentId");

-- CreateIndex
CREATE UNIQUE INDEX "Clause_policyId_path_key" ON "Clause"("policyId", "path");

-- CreateIndex
CREATE UNIQUE INDEX "AchievementKind_code_key" ON "AchievementKind"("code");

-- CreateIndex
CREATE UNIQUE INDEX "AchievementLevel_kindId_code_key" ON "AchievementLevel"("kindId", "code");

-- CreateIndex
CREATE INDEX "Incentive_achievementKindId_idx" ON "Incentive"("achievementKindId");

-- CreateIndex
CREATE INDEX "Incentive_clauseId_idx" ON "Incentive"("clauseId");

-- CreateIndex
CREATE UNIQUE INDEX "Incentive_policyId_key_key" ON "Incentive"("policyId", "key");

-- CreateIndex
CREATE UNIQUE INDEX "Indicator_code_key" ON "Indicator"("code");

-- CreateIndex
CREATE INDEX "Target_indicatorId_idx" ON "Target"("indicatorId");

-- CreateIndex
CREATE INDEX "Target_clauseId_idx" ON "Target"("clauseId");

-- CreateIndex
CREATE UNIQUE INDEX "Target_policyId_key_key" ON "Target"("policyId", "key");

-- CreateIndex
CREATE INDEX "TargetScheduleEntry_targetId_idx" ON "TargetScheduleEntry"("targetId");

-- CreateIndex
CREATE UNIQUE INDEX "Enterprise_creditCode_key" ON "Enterprise"("creditCode");

-- CreateIndex
CREATE INDEX "Enterprise_jurisdictionId_id_idx" ON "Enterprise"("jurisdictionId", "id");

-- CreateIndex
CREATE INDEX "Achievement_enterpriseId_idx" ON "Achievement"("enterpriseId");

-- CreateIndex
CREATE INDEX "Achievement_kindId_obtainedOn_idx" ON "Achievement"("kindId", "obtainedOn");

-- CreateIndex
CREATE INDEX "Observation_indicatorId_jurisdictionId_year_idx" ON "Observation"("indicatorId", "jurisdictionId", "year");

-- AddForeignKey
ALTER TABLE "Jurisdiction" ADD CONSTRAINT "Jurisdiction_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Jurisdiction"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Policy" ADD CONSTRAINT "Policy_jurisdictionId_fkey" FOREIGN KEY ("jurisdictionId") REFERENCES "Jurisdiction"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PolicyCoverage" ADD CONSTRAINT "PolicyCoverage_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "Policy"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PolicyCoverage" ADD CONSTRAINT "PolicyCoverage_jurisdictionId_fkey" FOREIGN KEY ("jurisdictionId") REFERENCES "Jurisdiction"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Clause" ADD CONSTRAINT "Clause_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "Policy"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Clause" ADD CONSTRAINT "Clause_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Clause"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AchievementLevel" ADD CONSTRAINT "AchievementLevel_kindId_fkey" FOREIGN KEY ("kindId") REFERENCES "AchievementKind"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Incentive" ADD CONSTRAINT "Incentive_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "Policy"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Incentive" ADD CONSTRAINT "Incentive_clauseId_fkey" FOREIGN KEY ("clauseId") REFERENCES "Clause"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Incentive" ADD CONSTRAINT "Incentive_achievementKindId_fkey" FOREIGN KEY ("achievementKindId") REFERENCES "AchievementKind"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Target" ADD CONSTRAINT "Target_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "Policy"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Target" ADD CONSTRAINT "Target_clauseId_fkey" FOREIGN KEY ("clauseId") REFERENCES "Clause"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Target" ADD CONSTRAINT "Target_indicatorId_fkey" FOREIGN KEY ("indicatorId") REFERENCES "Indicator"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Target" ADD CONSTRAINT "Target_jurisdictionId_fkey" FOREIGN KEY ("jurisdictionId") REFERENCES "Jurisdiction"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TargetScheduleEntry" ADD CONSTRAINT "TargetScheduleEntry_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Target"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TargetScheduleEntry" ADD CONSTRAINT "TargetScheduleEntry_jurisdictionId_fkey" FOREIGN KEY ("jurisdictionId") REFERENCES "Jurisdiction"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Enterprise" ADD CONSTRAINT "Enterprise_jurisdictionId_fkey" FOREIGN KEY ("jurisdictionId") REFERENCES "Jurisdiction"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Achievement" ADD CONSTRAINT "Achievement_enterpriseId_fkey" FOREIGN KEY ("enterpriseId") REFERENCES "Enterprise"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Achievement" ADD CONSTRAINT "Achievement_kindId_fkey" FOREIGN KEY ("kindId") REFERENCES "AchievementKind"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Observation" ADD CONSTRAINT "Observation_indicatorId_fkey" FOREIGN KEY ("indicatorId") REFERENCES "Indicator"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Observation" ADD CONSTRAINT "Observation_jurisdictionId_fkey" FOREIGN KEY ("jurisdictionId") REFERENCES "Jurisdiction"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
