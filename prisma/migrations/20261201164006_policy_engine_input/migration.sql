-- The engine's input moves from the incentives' JSON columns to one typed value per policy, which
-- the loader builds from the validated file (src/corpus/engine-input.ts). Rows loaded before get it
-- built here from those columns, as the engine read them, so a policy whose file is refused at the
-- next load keeps serving what it served; the others are rewritten from their files at that load
-- (their content hash now covers the engine input).
ALTER TABLE "Policy" ADD COLUMN "engineInput" JSONB;

UPDATE "Policy" p SET "engineInput" = jsonb_build_object(
  'key', p.key,
  'title', p.title,
  'jurisdiction', (SELECT j.code FROM "Jurisdiction" j WHERE j.id = p."jurisdictionId"),
  'appliesTo', coalesce((
    SELECT jsonb_agg(j.code) FROM "PolicyCoverage" pc JOIN "Jurisdiction" j ON j.id = pc."jurisdictionId"
    WHERE pc."policyId" = p.id AND pc.mode = 'APPLIES'
  ), '[]'::jsonb),
  'effectiveFrom', to_char(p."effectiveFrom", 'YYYY-MM-DD'),
  'effectiveUntil', to_char(p."effectiveUntil", 'YYYY-MM-DD'),
  'stacking', p."stackingRule",
  'incentives', coalesce((
    SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
      'key', i.key,
      'clausePath', c.path,
      'clauseText', c.text,
      'quote', i.quote,
      'achievementKind', k.code,
      'levels', to_jsonb(i.levels),
      'recipients', to_jsonb(i."recipientKinds"),
      'rule', i.rule,
      'cap', CASE WHEN i."capYuan" IS NOT NULL AND i."capPer" IS NOT NULL
        THEN jsonb_build_object('amount', i."capYuan", 'per', i."capPer") END,
      'payer', i.payer,
      'provincialPart', i."provincialPart",
      'conditions', i.conditions,
      'obtained', i.obtained,
      'stageByLevel', i."stageByLevel",
      'restatedIn', i."restatedIn"
    )) ORDER BY i.position)
    FROM "Incentive" i
    JOIN "Clause" c ON c.id = i."clauseId"
    JOIN "AchievementKind" k ON k.id = i."achievementKindId"
    WHERE i."policyId" = p.id
  ), '[]'::jsonb)
);

ALTER TABLE "Policy" ALTER COLUMN "engineInput" SET NOT NULL;

ALTER TABLE "Incentive" DROP COLUMN "conditions",
DROP COLUMN "provincialPart",
DROP COLUMN "restatedIn",
DROP COLUMN "rule";
