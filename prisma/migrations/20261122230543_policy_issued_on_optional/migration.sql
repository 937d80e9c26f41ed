-- AlterTable
ALTER TABLE "Policy" ALTER COLUMN "issuedOn" DROP NOT NULL;
