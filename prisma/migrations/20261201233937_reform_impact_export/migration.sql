-- AlterEnum
ALTER TYPE "ExportReport" ADD VALUE 'REFORM_IMPACT';
