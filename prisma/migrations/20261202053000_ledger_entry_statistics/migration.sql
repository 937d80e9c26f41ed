-- The embedded database analyzes the ledger after each rebuild, on the event loop (src/db/client.ts's
-- refreshStatistics): only the columns its readers select by (generation, "enterpriseId", "policyKey") are
-- sampled; the steps and the other wide columns tripled the time ANALYZE held the loop (150 ms against 50).
ALTER TABLE "LedgerEntry" ALTER COLUMN "id" SET STATISTICS 0;
ALTER TABLE "LedgerEntry" ALTER COLUMN "position" SET STATISTICS 0;
ALTER TABLE "LedgerEntry" ALTER COLUMN "jurisdictionId" SET STATISTICS 0;
ALTER TABLE "LedgerEntry" ALTER COLUMN "jurisdiction" SET STATISTICS 0;
ALTER TABLE "LedgerEntry" ALTER COLUMN "district" SET STATISTICS 0;
ALTER TABLE "LedgerEntry" ALTER COLUMN "policyVersion" SET STATISTICS 0;
ALTER TABLE "LedgerEntry" ALTER COLUMN "versionLabel" SET STATISTICS 0;
ALTER TABLE "LedgerEntry" ALTER COLUMN "incentiveKey" SET STATISTICS 0;
ALTER TABLE "LedgerEntry" ALTER COLUMN "clausePath" SET STATISTICS 0;
ALTER TABLE "LedgerEntry" ALTER COLUMN "achievementId" SET STATISTICS 0;
ALTER TABLE "LedgerEntry" ALTER COLUMN "year" SET STATISTICS 0;
ALTER TABLE "LedgerEntry" ALTER COLUMN "eligibility" SET STATISTICS 0;
ALTER TABLE "LedgerEntry" ALTER COLUMN "reason" SET STATISTICS 0;
ALTER TABLE "LedgerEntry" ALTER COLUMN "missing" SET STATISTICS 0;
ALTER TABLE "LedgerEntry" ALTER COLUMN "disposition" SET STATISTICS 0;
ALTER TABLE "LedgerEntry" ALTER COLUMN "nature" SET STATISTICS 0;
ALTER TABLE "LedgerEntry" ALTER COLUMN "amountYuan" SET STATISTICS 0;
ALTER TABLE "LedgerEntry" ALTER COLUMN "payer" SET STATISTICS 0;
ALTER TABLE "LedgerEntry" ALTER COLUMN "provincialPartYuan" SET STATISTICS 0;
ALTER TABLE "LedgerEntry" ALTER COLUMN "relatedIncentiveKey" SET STATISTICS 0;
ALTER TABLE "LedgerEntry" ALTER COLUMN "relatedAchievementId" SET STATISTICS 0;
ALTER TABLE "LedgerEntry" ALTER COLUMN "steps" SET STATISTICS 0;
