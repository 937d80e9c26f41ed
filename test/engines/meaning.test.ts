/**
 * The meaning of incentives (issue 21, classes 1, 2, 3, 4, 5, 8), each on a clause of the seeds as the
 * policy files encode it, with a generated test of the class.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { policyInputOf } from '../../src/corpus/engine-input.js';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { readCorpus } from '../../src/corpus/read.js';
import { budgetExposure, EntitlementAggregator } from '../../src/engines/entitlement/aggregate.js';
import { evaluatePolicy, totalsOf } from '../../src/engines/entitlement/evaluate.js';
import { explain } from '../support/english.js';
import type {
  AchievementInput,
  Entitlement,
  EnterpriseInput,
  Payer,
  PolicyInput,
} from '../../src/engines/entitlement/types.js';

const corpus = readCorpus(CORPUS_DIR);
/** One policy of the corpus, reduced to the incentives named, as the engine reads it. */
function policy(key: string, ...incentives: string[]): PolicyInput {
  const input = policyInputOf(corpus.policies.find((p) => p.key === key)!);
  return { ...input, incentives: input.incentives.filter((i) => incentives.includes(i.key)) };
}
const enterprise = (kind: EnterpriseInput['kind'], ...jurisdictionPath: string[]): EnterpriseInput => ({
  id: 'e',
  kind,
  jurisdictionPath,
});
const only = (result: Entitlement[], incentive: string, achievement = 'a1') =>
  result.find((e) => e.incentiveKey === incentive && e.achievementId === achievement)!;
const RUNS = { seed: 21, numRuns: 200 };
const fact = fc.constantFrom(true, false, undefined);

describe('class 1: every restriction of the sentence is a condition', () => {
  // 002 四/(一): 对新获得国家级、省级质量标杆的工业企业,市财政分别给予一次性奖励50万元、20万元奖励
  const quanzhou = policy('quanzhou-2019-quality', 'quality-benchmark');
  const inJinjiang = enterprise('ENTERPRISE', 'fj-quanzhou-jinjiang', 'fj-quanzhou', 'fj');

  it('工业企业: unknown is NEEDS_INFO, refuted is INELIGIBLE, attested pays; an unrecorded level is NEEDS_INFO', () => {
    fc.assert(
      fc.property(fact, fc.constantFrom('NATIONAL', 'PROVINCIAL', null), (industrial, level) => {
        const facts: Record<string, boolean> = industrial === undefined ? {} : { INDUSTRIAL_ENTERPRISE: industrial };
        const a: AchievementInput = { id: 'a1', kind: 'QUALITY_BENCHMARK', level, obtainedOn: '2019-05-01', facts };
        const e = only(evaluatePolicy(quanzhou, inJinjiang, [a], '2020-12-31'), 'quality-benchmark');
        if (industrial === false) {
          expect(e).toMatchObject({ eligibility: 'INELIGIBLE', reason: 'CONDITION_NOT_MET', amountYuan: null });
          expect(explain(e)).toContain('not met: 工业企业');
        } else if (industrial === undefined)
          expect(e).toMatchObject({ eligibility: 'NEEDS_INFO', missing: ['facts.INDUSTRIAL_ENTERPRISE'] });
        else if (level === null) expect(e).toMatchObject({ eligibility: 'NEEDS_INFO', missing: ['level'] });
        else expect(e).toMatchObject({ eligibility: 'ELIGIBLE', amountYuan: level === 'NATIONAL' ? 500_000 : 200_000 });
      }),
      RUNS,
    );
  });

  it('two conditions (003 一/(三) 每完成…的产业链企业): any refuted is INELIGIBLE, else the unknown ones are listed', () => {
    const xx = policy('xx-2022-product-quality', 'standardization-demonstration-pilot');
    fc.assert(
      fc.property(fact, fact, (completed, chain) => {
        const facts: Record<string, boolean> = {};
        if (completed !== undefined) facts.PROJECT_COMPLETED = completed;
        if (chain !== undefined) facts.INDUSTRIAL_CHAIN_ENTERPRISE = chain;
        const a: AchievementInput = {
          id: 'a1',
          kind: 'STANDARDIZATION_PILOT',
          level: 'NATIONAL',
          units: 1,
          obtainedOn: '2023-05-01',
          facts,
        };
        const e = only(
          evaluatePolicy(xx, enterprise('ENTERPRISE', 'xx-city', 'xx'), [a], '2024-06-30'),
          'standardization-demonstration-pilot',
        );
        const unknown = [
          ...(completed === undefined ? ['facts.PROJECT_COMPLETED'] : []),
          ...(chain === undefined ? ['facts.INDUSTRIAL_CHAIN_ENTERPRISE'] : []),
        ];
        if (completed === false || chain === false) expect(e.eligibility).toBe('INELIGIBLE');
        else if (unknown.length) expect(e).toMatchObject({ eligibility: 'NEEDS_INFO', missing: unknown });
        else expect(e).toMatchObject({ eligibility: 'ELIGIBLE', amountYuan: 200_000, provincialPartYuan: 60_000 });
      }),
      RUNS,
    );
  });
});

describe('class 2: a status held (HELD) or newly obtained (NEW)', () => {
  // 000 二/(六) 为品牌产品提供通关便利 (HELD) beside 二/(四) 对获台州市政府质量奖的企业(组织) (NEW)
  const taizhou = policy('taizhou-2017-quality', 'brand-product-customs-facilitation', 'municipal-quality-award');
  const inJiaojiang = enterprise('ENTERPRISE', 'zj-taizhou-jiaojiang', 'zj-taizhou', 'zj');
  const day = fc
    .record({ y: fc.integer({ min: 2012, max: 2021 }), m: fc.integer({ min: 1, max: 12 }) })
    .map(({ y, m }) => `${y}-${String(m).padStart(2, '0')}-15`);

  it('HELD counts a status obtained before the window once the policy is in force; NEW only one obtained inside', () => {
    fc.assert(
      fc.property(day, day, (obtainedOn, asOf) => {
        const result = evaluatePolicy(
          taizhou,
          inJiaojiang,
          [
            { id: 'a1', kind: 'BRAND_ENTERPRISE', obtainedOn },
            { id: 'a2', kind: 'MUNICIPAL_QUALITY_AWARD', obtainedOn },
          ],
          asOf,
        );
        const held = only(result, 'brand-product-customs-facilitation', 'a1');
        const fresh = only(result, 'municipal-quality-award', 'a2');
        const inForce = asOf >= '2017-06-07';
        expect(held.eligibility === 'ELIGIBLE').toBe(obtainedOn <= asOf && inForce);
        expect(fresh.eligibility === 'ELIGIBLE').toBe(obtainedOn <= asOf && obtainedOn >= '2017-06-07');
        // The year of a status held from before the window is the policy's first year.
        if (held.eligibility === 'ELIGIBLE') expect(held.year).toBe(Math.max(2017, Number(obtainedOn.slice(0, 4))));
      }),
      RUNS,
    );
  });

  it('says which reading decided', () => {
    const result = evaluatePolicy(
      taizhou,
      inJiaojiang,
      [
        { id: 'a1', kind: 'BRAND_ENTERPRISE', obtainedOn: '2015-03-01' },
        { id: 'a2', kind: 'MUNICIPAL_QUALITY_AWARD', obtainedOn: '2015-03-01' },
      ],
      '2019-12-31',
    );
    expect(explain(only(result, 'brand-product-customs-facilitation'))).toContain(
      'obtained 2015-03-01, before the window 2017-06-07 – open, still held: HELD counts a status obtained earlier',
    );
    expect(explain(only(result, 'municipal-quality-award', 'a2'))).toContain('(NEW: only a newly obtained one counts)');
  });
});

describe('class 3: 首个/首次 against the enterprise’s whole record', () => {
  // 000 二/(四) 对首个获得“浙江制造”产品认证的企业给予20万元奖励,每增加一个认证产品单元再奖励10万元…最高…不超过50万元
  const taizhou = policy('taizhou-2017-quality', 'zhejiang-made-certification');
  const inJiaojiang = enterprise('ENTERPRISE', 'zj-taizhou-jiaojiang', 'zj-taizhou', 'zj');
  const certification = fc.record({
    obtainedOn: fc.constantFrom('2015-04-01', '2016-10-01', '2017-08-01', '2018-04-10', '2019-02-01'),
    units: fc.integer({ min: 1, max: 4 }),
  });

  it('the 20万 first unit is paid only when no certification is on record before, inside the window or not', () => {
    fc.assert(
      fc.property(fc.array(certification, { minLength: 1, maxLength: 5 }), (certs) => {
        const achievements = certs.map((c, i) => ({ id: `a${i + 1}`, kind: 'ZHEJIANG_MADE_CERTIFICATION', ...c }));
        const result = evaluatePolicy(taizhou, inJiaojiang, achievements, '2019-12-31');
        const inside = achievements.filter((a) => a.obtainedOn >= '2017-06-07');
        const earliest = [...achievements].sort(
          (a, b) => a.obtainedOn.localeCompare(b.obtainedOn) || a.id.localeCompare(b.id, 'en', { numeric: true }),
        )[0];
        const first = earliest.obtainedOn >= '2017-06-07' ? 100_000 : 0;
        const units = inside.reduce((n, a) => n + a.units, 0);
        expect(totalsOf(result).exactYuan).toBe(Math.min(500_000, units * 100_000 + (inside.length ? first : 0)));
      }),
      RUNS,
    );
  });

  it('首次上榜 (002 四/(三)): an earlier listing of the same brand refutes it and is named; another brand does not', () => {
    const quanzhou = policy('quanzhou-2019-quality', 'regional-brand-value-listing');
    const result = evaluatePolicy(
      quanzhou,
      enterprise('ASSOCIATION', 'fj-quanzhou-jinjiang', 'fj-quanzhou', 'fj'),
      [
        { id: 'a0', kind: 'REGIONAL_BRAND_VALUE_LISTING', obtainedOn: '2017-09-01', rank: 12, projectKey: 'tea' },
        { id: 'a1', kind: 'REGIONAL_BRAND_VALUE_LISTING', obtainedOn: '2019-10-01', rank: 3, projectKey: 'tea' },
        {
          id: 'a2',
          kind: 'REGIONAL_BRAND_VALUE_LISTING',
          obtainedOn: '2019-11-01',
          rank: 2,
          projectKey: 'porcelain',
          facts: { FIRST_LISTING: true },
        },
      ],
      '2020-12-31',
    );
    const again = only(result, 'regional-brand-value-listing', 'a1');
    expect(again).toMatchObject({ eligibility: 'INELIGIBLE', reason: 'CONDITION_NOT_MET' });
    expect(explain(again)).toContain(
      'not met: 首次上榜; REGIONAL_BRAND_VALUE_LISTING a0 obtained 2017-09-01 came earlier',
    );
    expect(only(result, 'regional-brand-value-listing', 'a2')).toMatchObject({
      eligibility: 'ELIGIBLE',
      amountYuan: 800_000,
    });
  });
});

describe("class 4: only the city's money is the city's", () => {
  it('budget exposure draws only CITY (or unnamed) payers on the fund; the province, counties and beneficiaries apart', () => {
    const payers: Array<Payer | null> = ['CITY', null, 'PROVINCE', 'COUNTY', 'BENEFICIARY'];
    const row = fc.record({ payer: fc.constantFrom(...payers), amountYuan: fc.integer({ min: 1, max: 2_000_000 }) });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 12 }), (rows) => {
        const aggregator = new EntitlementAggregator(['YEAR', 'PAYER']);
        aggregator.add({
          enterpriseId: 'e',
          jurisdiction: 'xx-city',
          entitlements: rows.map((r, i) => ({
            ...only(
              evaluatePolicy(
                policy('xx-2022-product-quality', 'enterprise-standard-frontrunner'),
                enterprise('ENTERPRISE', 'xx-city', 'xx'),
                [{ id: 'a1', kind: 'ENTERPRISE_STANDARD_FRONTRUNNER', obtainedOn: '2023-03-01' }],
                '2023-12-31',
              ),
              'enterprise-standard-frontrunner',
            ),
            achievementId: `a${i}`,
            payer: r.payer,
            amountYuan: r.amountYuan,
          })),
        });
        const [exposure] = budgetExposure(null, [2023], aggregator.rows());
        const sum = (keep: (p: Payer | null) => boolean) =>
          rows.filter((r) => keep(r.payer)).reduce((n, r) => n + r.amountYuan, 0);
        expect(exposure.exactYuan).toBe(sum((p) => p === 'CITY' || p === null));
        expect(exposure.otherPayersExactYuan).toBe(sum((p) => p !== 'CITY' && p !== null));
      }),
      RUNS,
    );
  });

  it('积极争取省…再给予100万 (003 三/(九)) is the province’s, sought: no city money, the province’s part beside', () => {
    const xx = policy('xx-2022-product-quality', 'national-standard-industrial-design-center');
    const result = evaluatePolicy(
      xx,
      enterprise('ENTERPRISE', 'xx-city', 'xx'),
      [{ id: 'a1', kind: 'INDUSTRIAL_DESIGN_CENTER', level: 'NATIONAL_STANDARD_MET', obtainedOn: '2024-01-10' }],
      '2024-06-30',
    );
    expect(only(result, 'national-standard-industrial-design-center')).toMatchObject({
      nature: 'NON_MONETARY',
      amountYuan: null,
      payer: null,
      provincialPartYuan: 1_000_000,
    });
    expect(totalsOf(result).exactYuan).toBe(0);
  });
});

describe('class 5: a promise stated twice is one promise', () => {
  // 001 三/(二) 牽頭起草…標準制修訂的企業…給予適當獎勵, restated in 附件1/二/(四)
  const loudi = policy('loudi-2017-quality', 'standard-drafted-lead', 'standard-participated');
  const level = fc.constantFrom('INTERNATIONAL', 'NATIONAL', 'INDUSTRY', 'LOCAL', 'GROUP');

  it('one counted row per achievement, never a CONFLICT, citing the restatement', () => {
    fc.assert(
      fc.property(fc.array(level, { minLength: 1, maxLength: 6 }), (levels) => {
        const achievements = levels.map((l, i) => ({
          id: `a${i + 1}`,
          kind: 'STANDARD_DRAFTED',
          level: l,
          obtainedOn: '2018-06-01',
        }));
        const result = evaluatePolicy(
          loudi,
          enterprise('ORGANIZATION', 'hn-loudi-xinhua', 'hn-loudi', 'hn'),
          achievements,
          '2019-12-31',
        );
        expect(result.map((e) => [e.incentiveKey, e.disposition])).toEqual(
          achievements.map(() => ['standard-drafted-lead', 'COUNTED']),
        );
        expect(totalsOf(result)).toMatchObject({ unspecifiedCount: levels.length, conflictCount: 0 });
        expect(explain(result[0])).toContain('the same promise is restated in 附件1/二/(四): paid once');
      }),
      RUNS,
    );
  });
});

describe('class 8: stages of one project are paid once each', () => {
  // 000 二/(四) 对批准筹建和建成全国知名品牌示范区的行业协会或园区,一次性各给予40万元奖励, under 按最优一项执行
  const taizhou = policy('taizhou-2017-quality', 'national-brand-demo-zone', 'provincial-regional-brand');
  const zone = fc.record({
    level: fc.constantFrom('PREPARATION_APPROVED', 'BUILT'),
    projectKey: fc.constantFrom('z1', 'z2', undefined),
    obtainedOn: fc.constantFrom('2017-09-01', '2018-05-01', '2019-05-01'),
  });

  it('40万 for each stage of each zone; the same stage recorded twice is paid once', () => {
    fc.assert(
      fc.property(fc.array(zone, { minLength: 1, maxLength: 6 }), (zones) => {
        const achievements = zones.map((z, i) => ({ id: `a${i + 1}`, kind: 'NATIONAL_BRAND_DEMO_ZONE', ...z }));
        const result = evaluatePolicy(
          taizhou,
          enterprise('ASSOCIATION', 'zj-taizhou-jiaojiang', 'zj-taizhou', 'zj'),
          achievements,
          '2019-12-31',
        );
        const stages = new Set(achievements.map((a) => `${a.projectKey ?? a.id}/${a.level}`));
        expect(totalsOf(result).exactYuan).toBe(400_000 * stages.size);
      }),
      RUNS,
    );
  });

  it('says the stage decided, and still lets the best single reward win within a stage', () => {
    const result = evaluatePolicy(
      taizhou,
      enterprise('ASSOCIATION', 'zj-taizhou-jiaojiang', 'zj-taizhou', 'zj'),
      [
        {
          id: 'a1',
          kind: 'NATIONAL_BRAND_DEMO_ZONE',
          level: 'PREPARATION_APPROVED',
          obtainedOn: '2017-09-01',
          projectKey: 'z1',
        },
        { id: 'a2', kind: 'NATIONAL_BRAND_DEMO_ZONE', level: 'BUILT', obtainedOn: '2019-05-01', projectKey: 'z1' },
        { id: 'a3', kind: 'PROVINCIAL_REGIONAL_BRAND', obtainedOn: '2019-06-01', projectKey: 'z1' },
      ],
      '2019-12-31',
    );
    expect(explain(only(result, 'national-brand-demo-zone', 'a2'))).toContain(
      'stage BUILT of project z1: paid once, apart from its other stages',
    );
    // 30万 for the regional brand of the same project loses to neither stage (each compared apart): it stands alone.
    expect(result.map((e) => [e.achievementId, e.amountYuan, e.disposition])).toEqual([
      ['a1', 400_000, 'COUNTED'],
      ['a2', 400_000, 'COUNTED'],
      ['a3', 300_000, 'COUNTED'],
    ]);
  });
});
