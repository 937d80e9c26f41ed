/**
 * A reproducible synthetic population for benchmarks: enterprises spread over the districts the
 * corpus names, each holding achievements of kinds the corpus rewards, with the facts their rules
 * need (units, fees, budgets, grants, ranks, attested facts) and dates over 2017–2023. Built from
 * the policy files themselves, so a new city's policy is in the population without a code change.
 *
 * Usage: tsx scripts/synthetic.ts [--enterprises 100000] [--per-enterprise 10] [--seed 2017]   (into DATABASE_URL)
 */
import { parseArgs } from 'node:util';
import { Faker, zh_CN, en } from '@faker-js/faker';
import type { IncentiveDef, PolicyFile } from '../src/format/policy.js';
import type { Corpus } from '../src/corpus/read.js';
import { isoDay } from '../src/dates/index.js';
import type { Db } from '../src/db/client.js';
import type { RecipientKind } from '../src/engines/entitlement/types.js';
import { composeCreditCode } from '../src/validation/credit-code.js';
import { insertAchievementRows, type AchievementRow } from '../src/writes/achievements.js';

export interface PopulationOptions {
  enterprises: number;
  /** Achievements per enterprise on average (from half to one and a half times this, uniformly). */
  achievementsPerEnterprise: number;
  seed: number;
}

interface Candidate {
  kind: string;
  levels: string[];
  incentive: IncentiveDef;
}

/** Where enterprises live: every district, county and zone a policy names, with its policy's candidates. */
function placesOf(corpus: Corpus) {
  return corpus.policies.map((policy: PolicyFile) => {
    const codes = [...corpus.jurisdictions.values()]
      .filter((j) => j.parent === policy.jurisdiction && j.kind !== 'PROVINCE')
      .map((j) => j.code);
    const candidates = policy.incentives.map((incentive): Candidate => {
      const kind = corpus.achievementKinds.get(incentive.achievement)!;
      const levels = incentive.levels ?? kind.levels.map((l) => l.code);
      return { kind: incentive.achievement, levels, incentive };
    });
    return { policy: policy.key, codes: codes.length ? codes : [policy.jurisdiction], candidates };
  });
}

/** The inputs a rule reads, drawn so that most are present and some are missing (NEEDS_INFO). */
function factsFor(faker: Faker, incentive: IncentiveDef) {
  const maybe = <T>(value: () => T) => (faker.number.float() < 0.9 ? value() : null);
  const rule = incentive.rule;
  const fields: {
    units?: number | null;
    costYuan?: number | null;
    budgetYuan?: number | null;
    provincialGrantYuan?: number | null;
    rank?: number | null;
    facts?: Record<string, boolean>;
  } = {};
  if (rule.kind === 'PER_UNIT' || rule.kind === 'FIRST_PLUS_INCREMENT')
    fields.units = maybe(() => faker.number.int({ min: 1, max: 6 }));
  if (rule.kind === 'PERCENTAGE') {
    const amount = maybe(() => faker.number.int({ min: 1, max: 400 }) * 1000);
    if (rule.of === 'COST') fields.costYuan = amount;
    else fields.budgetYuan = amount;
  }
  if (rule.kind === 'MATCHING')
    fields.provincialGrantYuan = maybe(() => faker.number.int({ min: 10, max: 200 }) * 10_000);
  if (rule.kind === 'RANK') fields.rank = maybe(() => faker.number.int({ min: 1, max: 40 }));
  const facts: Record<string, boolean> = {};
  for (const condition of incentive.conditions) {
    if (condition.kind === 'ATTESTED' && faker.number.float() < 0.85)
      facts[condition.fact] = faker.number.float() < 0.8;
  }
  fields.facts = facts;
  return fields;
}

interface EnterpriseRow {
  id: number;
  name: string;
  creditCode: string;
  jurisdictionId: number;
  industry: string;
  kind: RecipientKind;
}

export async function generatePopulation(
  db: Db,
  corpus: Corpus,
  options: PopulationOptions,
): Promise<{ enterprises: number; achievements: number }> {
  const faker = new Faker({ locale: [zh_CN, en], seed: options.seed });
  const places = placesOf(corpus).filter((p) => p.candidates.length > 0);
  const allCandidates = places.flatMap((p) => p.candidates);
  const jurisdictionId = new Map(
    (await db.jurisdiction.findMany({ select: { id: true, code: true } })).map((j) => [j.code, j.id]),
  );
  const kindId = new Map(
    (await db.achievementKind.findMany({ select: { id: true, code: true } })).map((k) => [k.code, k.id]),
  );
  const industries = ['智能马桶', '模具', '汽摩配', '家电', '陶瓷', '纺织', '食品', '医药', '装备制造'];
  const batch = 5000;
  let achievements = 0;
  for (let start = 0; start < options.enterprises; start += batch) {
    const size = Math.min(batch, options.enterprises - start);
    // Ids reserved first, so that each achievement names its enterprise without reading rows back.
    const ids = (
      await db.$queryRaw<Array<{ id: number }>>`
        SELECT nextval(pg_get_serial_sequence('"Enterprise"', 'id'))::int AS id FROM generate_series(1, ${size})`
    ).map((r) => r.id);
    const enterprises: EnterpriseRow[] = [];
    const achievementRows: AchievementRow[] = [];
    for (const id of ids) {
      const home = faker.helpers.arrayElement(places);
      const recipient: RecipientKind =
        faker.number.float() < 0.9
          ? 'ENTERPRISE'
          : faker.helpers.arrayElement(['ORGANIZATION', 'PARK', 'COUNTY'] as const);
      enterprises.push({
        id,
        name: faker.company.name(),
        // 91 (a company under market regulation), a division, the id as the organisation code body
        creditCode: composeCreditCode('91330000', String(id).padStart(8, '0')),
        jurisdictionId: jurisdictionId.get(faker.helpers.arrayElement(home.codes))!,
        industry: faker.helpers.arrayElement(industries),
        kind: recipient,
      });
      const count = faker.number.int({
        min: Math.ceil(options.achievementsPerEnterprise / 2),
        max: Math.floor((options.achievementsPerEnterprise * 3) / 2),
      });
      for (let n = 0; n < count; n++) {
        // Mostly what the home city rewards; sometimes another city's kind (out of scope there).
        const candidate = faker.helpers.arrayElement(faker.number.float() < 0.85 ? home.candidates : allCandidates);
        const facts = factsFor(faker, candidate.incentive);
        achievementRows.push({
          enterpriseId: id,
          kindId: kindId.get(candidate.kind)!,
          level: candidate.levels.length ? faker.helpers.arrayElement(candidate.levels) : null,
          obtainedOn: isoDay(faker.date.between({ from: '2017-01-01', to: '2023-12-31' })),
          projectKey: faker.number.float() < 0.2 ? `p${id}-${faker.number.int({ min: 1, max: 2 })}` : null,
          units: facts.units ?? null,
          costYuan: facts.costYuan ?? null,
          budgetYuan: facts.budgetYuan ?? null,
          provincialGrantYuan: facts.provincialGrantYuan ?? null,
          rank: facts.rank ?? null,
          facts: facts.facts ?? {},
        });
      }
    }
    // One statement per batch, its rows as one JSON parameter (a multi-row VALUES of 50,000 rows
    // would bind 600,000 parameters, and Prisma's createMany builds exactly that).
    await db.$executeRaw`
      INSERT INTO "Enterprise" (id, name, "creditCode", "jurisdictionId", industry, kind, "updatedAt")
      SELECT id, name, "creditCode", "jurisdictionId", industry, kind::"RecipientKind", now()
      FROM jsonb_to_recordset(${JSON.stringify(enterprises)}::jsonb)
        AS t(id int, name text, "creditCode" text, "jurisdictionId" int, industry text, kind text)`;
    await db.$executeRaw`${insertAchievementRows(achievementRows)}`;
    achievements += achievementRows.length;
  }
  return { enterprises: options.enterprises, achievements };
}

/**
 * Yearly values, 2017–2023, of every indicator a target reads, for each policy's own jurisdiction
 * and the districts under it, as a statistics bureau would report them. Indicators counted from
 * achievements (countsAchievements) are left out: they are derived, not reported.
 */
export async function generateObservations(db: Db, corpus: Corpus, seed: number): Promise<number> {
  const faker = new Faker({ locale: [en], seed });
  const jurisdictionId = new Map(
    (await db.jurisdiction.findMany({ select: { id: true, code: true } })).map((j) => [j.code, j.id]),
  );
  const indicatorId = new Map(
    (await db.indicator.findMany({ select: { id: true, code: true } })).map((i) => [i.code, i.id]),
  );
  const rows = corpus.policies.flatMap((policy) => {
    const places = [
      policy.jurisdiction,
      ...[...corpus.jurisdictions.values()].filter((j) => j.parent === policy.jurisdiction).map((j) => j.code),
    ];
    const indicators = [...new Set(policy.targets.map((t) => t.indicator))]
      .map((code) => corpus.indicators.get(code)!)
      .filter((indicator) => !indicator.countsAchievements);
    return indicators.flatMap((indicator) =>
      places.flatMap((place) =>
        Array.from({ length: 7 }, (_, i) => ({
          indicatorId: indicatorId.get(indicator.code)!,
          jurisdictionId: jurisdictionId.get(place)!,
          year: 2017 + i,
          value:
            indicator.unit === 'PERCENT'
              ? faker.number.float({ min: 80, max: 99.9, fractionDigits: 1 })
              : faker.number.int({ min: 0, max: 60 }),
          source: '统计公报 (synthetic)',
        })),
      ),
    );
  });
  await db.observation.createMany({ data: rows });
  return rows.length;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      enterprises: { type: 'string', default: '100000' },
      'per-enterprise': { type: 'string', default: '10' },
      seed: { type: 'string', default: '2017' },
    },
  });
  const { toolDb } = await import('../src/db/client.js');
  const { closeDatabases } = await import('../src/db/url.js');
  const { readCorpus } = await import('../src/corpus/read.js');
  const { CORPUS_DIR } = await import('../src/corpus/paths.js');
  const db = await toolDb();
  const started = Date.now();
  const made = await generatePopulation(db, readCorpus(CORPUS_DIR), {
    enterprises: Number(values.enterprises),
    achievementsPerEnterprise: Number(values['per-enterprise']),
    seed: Number(values.seed),
  });
  console.log(
    `${made.enterprises} enterprises, ${made.achievements} achievements in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  await db.$disconnect();
  await closeDatabases(); // else the embedded database keeps the process alive
}
