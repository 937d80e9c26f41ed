/** Windows, scope, conditions, caps and stacking, on rules as 000 and 002 write them. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy, totalsOf } from '../../src/engines/entitlement/evaluate.js';
import { explain } from '../support/english.js';
import type {
  AchievementInput,
  EnterpriseInput,
  IncentiveInput,
  PolicyInput,
} from '../../src/engines/entitlement/types.js';

const incentive = (
  patch: Partial<IncentiveInput> & Pick<IncentiveInput, 'key' | 'achievementKind' | 'rule'>,
): IncentiveInput => ({
  clausePath: '二/(四)',
  clauseText: '…',
  quote: '…',
  levels: [],
  recipients: ['ENTERPRISE', 'ORGANIZATION'],
  conditions: [],
  obtained: 'NEW',
  stageByLevel: false,
  restatedIn: [],
  ...patch,
});

// 台州 2017 (000): five covered districts and zones, best single reward per project, no end date.
const taizhou: PolicyInput = {
  key: 'taizhou-2017-quality',
  title: '台州',
  jurisdiction: 'zj-taizhou',
  appliesTo: ['zj-taizhou-jiaojiang', 'zj-taizhou-huangyan', 'zj-taizhou-luqiao'],
  effectiveFrom: '2017-06-07',
  stacking: 'BEST_SINGLE_PER_PROJECT',
  incentives: [
    incentive({
      key: 'china-quality-award',
      achievementKind: 'CQA',
      rule: {
        kind: 'TIERED',
        tiers: [
          { level: 'WINNER', amount: 1_000_000 },
          { level: 'NOMINATION', amount: 300_000 },
        ],
      },
    }),
    incentive({
      key: 'zhejiang-made',
      achievementKind: 'ZJ_MADE',
      rule: { kind: 'FIRST_PLUS_INCREMENT', first: 200_000, increment: 100_000 },
      cap: { amount: 500_000, per: 'ENTERPRISE' },
    }),
    incentive({
      key: 'trademark-fees',
      clausePath: '二/(六)',
      achievementKind: 'TM_REG',
      rule: { kind: 'PERCENTAGE', percent: 50, of: 'COST' },
      cap: { amount: 80_000, per: 'ENTERPRISE_YEAR' },
    }),
    incentive({
      key: 'industrial-pilot',
      clausePath: '四/(十五)',
      achievementKind: 'PILOT',
      rule: {
        kind: 'TIERED',
        tiers: [
          { level: 'NATIONAL', amount: 500_000 },
          { level: 'PROVINCIAL', amount: 200_000 },
        ],
      },
      conditions: [{ kind: 'ATTESTED', fact: 'ACCEPTANCE_PASSED', text: '通过考核验收' }],
    }),
    incentive({
      key: 'county-rnd-rank',
      achievementKind: 'RND_RANK',
      recipients: ['COUNTY'],
      rule: { kind: 'RANK', bands: [{ upTo: 10, amount: 1_500_000 }] },
    }),
  ],
};
const inJiaojiang: EnterpriseInput = {
  id: 'e1',
  kind: 'ENTERPRISE',
  jurisdictionPath: ['zj-taizhou-jiaojiang', 'zj-taizhou', 'zj'],
};
const asOf = '2019-12-31';

describe('evaluatePolicy', () => {
  it('caps 浙江制造 at 50万 per enterprise across certifications', () => {
    const result = evaluatePolicy(
      taizhou,
      inJiaojiang,
      [
        { id: 'a1', kind: 'ZJ_MADE', obtainedOn: '2017-09-01', units: 2 },
        { id: 'a2', kind: 'ZJ_MADE', obtainedOn: '2018-03-01', units: 3 },
      ],
      asOf,
    );
    expect(result.map((e) => e.amountYuan)).toEqual([300_000, 200_000]);
    expect(result[1].steps.find((s) => s.code === 'CAP')).toMatchObject({ before: 300_000, after: 200_000 });
    expect(totalsOf(result).exactYuan).toBe(500_000);
  });

  it('caps registration fee subsidies at 8万 per enterprise per calendar year, each year apart', () => {
    const result = evaluatePolicy(
      taizhou,
      inJiaojiang,
      [
        { id: 'a1', kind: 'TM_REG', obtainedOn: '2018-02-01', costYuan: 120_000 },
        { id: 'a2', kind: 'TM_REG', obtainedOn: '2018-09-01', costYuan: 60_000 },
        { id: 'a3', kind: 'TM_REG', obtainedOn: '2019-01-15', costYuan: 100_000 },
      ],
      asOf,
    );
    expect(result.map((e) => [e.amountYuan, e.eligibility])).toEqual([
      [60_000, 'ELIGIBLE'],
      [20_000, 'ELIGIBLE'],
      [50_000, 'ELIGIBLE'],
    ]);
    expect(totalsOf(result).exactYuan).toBe(130_000);
  });

  it('keeps only the best single reward of one project and names the winner', () => {
    const result = evaluatePolicy(
      taizhou,
      inJiaojiang,
      [
        { id: 'a1', kind: 'CQA', level: 'NOMINATION', obtainedOn: '2018-01-01', projectKey: 'p1' },
        {
          id: 'a2',
          kind: 'PILOT',
          level: 'NATIONAL',
          obtainedOn: '2018-06-01',
          projectKey: 'p1',
          facts: { ACCEPTANCE_PASSED: true },
        },
      ],
      asOf,
    );
    const [cqa, pilot] = result;
    expect(pilot.disposition).toBe('COUNTED');
    expect(cqa.disposition).toBe('SUPERSEDED');
    expect(cqa.relatedTo).toEqual({ incentiveKey: 'industrial-pilot', achievementId: 'a2' });
    expect(totalsOf(result).exactYuan).toBe(500_000);
  });

  it('refuses achievements outside the window, districts out of scope and the wrong recipient kind', () => {
    const early = evaluatePolicy(
      taizhou,
      inJiaojiang,
      [{ id: 'a1', kind: 'CQA', level: 'WINNER', obtainedOn: '2017-06-06' }],
      asOf,
    );
    expect(early[0]).toMatchObject({ eligibility: 'INELIGIBLE', reason: 'OUTSIDE_WINDOW' });
    const linhai: EnterpriseInput = {
      id: 'e2',
      kind: 'ENTERPRISE',
      jurisdictionPath: ['zj-taizhou-linhai', 'zj-taizhou', 'zj'],
    };
    const out = evaluatePolicy(
      taizhou,
      linhai,
      [{ id: 'a1', kind: 'CQA', level: 'WINNER', obtainedOn: '2018-01-01' }],
      asOf,
    );
    expect(out[0]).toMatchObject({ eligibility: 'INELIGIBLE', reason: 'OUT_OF_SCOPE' });
    const county = evaluatePolicy(
      taizhou,
      inJiaojiang,
      [{ id: 'a1', kind: 'RND_RANK', rank: 3, obtainedOn: '2018-01-01' }],
      asOf,
    );
    expect(county[0]).toMatchObject({ eligibility: 'INELIGIBLE', reason: 'RECIPIENT_KIND' });
  });

  it('asks for what it does not know instead of treating it as zero', () => {
    const result = evaluatePolicy(
      taizhou,
      inJiaojiang,
      [
        { id: 'a1', kind: 'PILOT', level: 'PROVINCIAL', obtainedOn: '2018-01-01' },
        { id: 'a2', kind: 'TM_REG', obtainedOn: '2018-01-01' },
        { id: 'a3', kind: 'CQA', level: 'WINNER' },
      ],
      asOf,
    );
    expect(result.map((e) => [e.eligibility, e.missing])).toEqual([
      // In the policy's order of incentives: 中国质量奖, registration fees, pilots.
      ['NEEDS_INFO', ['obtainedOn']],
      ['NEEDS_INFO', ['costYuan']],
      ['NEEDS_INFO', ['facts.ACCEPTANCE_PASSED']],
    ]);
    expect(totalsOf(result)).toMatchObject({ exactYuan: 0, needsInfoCount: 3 });
  });

  it('explains an amount with the clause, the rule and every cap', () => {
    const [, second] = evaluatePolicy(
      taizhou,
      inJiaojiang,
      [
        { id: 'a1', kind: 'ZJ_MADE', obtainedOn: '2017-09-01', units: 4 },
        { id: 'a2', kind: 'ZJ_MADE', obtainedOn: '2018-03-01', units: 1 },
      ],
      asOf,
    );
    const text = explain(second);
    expect(text).toContain('clause 二/(四)');
    expect(text).toContain('1 further unit(s) × 10万 = 10万');
    expect(text).toContain('cap 50万 per enterprise, 50万 already granted');
    expect(second).toMatchObject({ eligibility: 'INELIGIBLE', reason: 'CAP_EXHAUSTED', amountYuan: 0 });
  });

  it('flags two rules of an additive policy claiming one achievement as a conflict, not a sum', () => {
    const additive: PolicyInput = {
      ...taizhou,
      stacking: 'ADDITIVE',
      incentives: [taizhou.incentives[0], { ...taizhou.incentives[0], key: 'china-quality-award-again' }],
    };
    const result = evaluatePolicy(
      additive,
      inJiaojiang,
      [{ id: 'a1', kind: 'CQA', level: 'WINNER', obtainedOn: '2018-01-01' }],
      asOf,
    );
    expect(result.map((e) => e.disposition)).toEqual(['CONFLICT', 'CONFLICT']);
    expect(totalsOf(result)).toMatchObject({ exactYuan: 0, conflictCount: 2 });
  });
});

describe('entitlement properties', () => {
  const achievementArb = fc.record({
    id: fc.integer({ min: 1, max: 10_000 }).map(String),
    kind: fc.constantFrom('CQA', 'ZJ_MADE', 'TM_REG', 'PILOT'),
    level: fc.constantFrom('WINNER', 'NOMINATION', 'NATIONAL', 'PROVINCIAL', undefined),
    obtainedOn: fc.constantFrom('2016-12-01', '2017-07-01', '2018-02-01', '2018-11-30', '2019-05-05'),
    units: fc.integer({ min: 1, max: 6 }),
    costYuan: fc.integer({ min: 0, max: 400_000 }),
    projectKey: fc.constantFrom('p1', 'p2', undefined),
    facts: fc.constant({ ACCEPTANCE_PASSED: true }),
  });
  const sets = fc.uniqueArray(achievementArb, { selector: (a) => a.id, maxLength: 12 });

  it('never exceeds a cap, ignores input order, and adding an achievement never lowers the exact total of an additive policy', () => {
    const additive: PolicyInput = { ...taizhou, stacking: 'ADDITIVE' };
    fc.assert(
      fc.property(sets, achievementArb, (achievements: AchievementInput[], extra: AchievementInput) => {
        const result = evaluatePolicy(taizhou, inJiaojiang, achievements, asOf);
        const counted = (key: string, year?: number) =>
          result
            .filter(
              (e) => e.incentiveKey === key && e.eligibility === 'ELIGIBLE' && (year === undefined || e.year === year),
            )
            .reduce((n, e) => n + (e.amountYuan ?? 0), 0);
        expect(counted('zhejiang-made')).toBeLessThanOrEqual(500_000);
        for (const year of [2017, 2018, 2019]) expect(counted('trademark-fees', year)).toBeLessThanOrEqual(80_000);

        const reversed = evaluatePolicy(taizhou, inJiaojiang, [...achievements].reverse(), asOf);
        expect(totalsOf(reversed)).toEqual(totalsOf(result));

        if (achievements.some((a) => a.id === extra.id)) return;
        const before = totalsOf(evaluatePolicy(additive, inJiaojiang, achievements, asOf)).exactYuan;
        const after = totalsOf(evaluatePolicy(additive, inJiaojiang, [...achievements, extra], asOf)).exactYuan;
        // Conflicts withdraw both claims, so only compare when the extra achievement adds none.
        const conflicts = totalsOf(evaluatePolicy(additive, inJiaojiang, [...achievements, extra], asOf)).conflictCount;
        if (conflicts === 0) expect(after).toBeGreaterThanOrEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  it('best-of-project never exceeds the sum of its candidates', () => {
    fc.assert(
      fc.property(sets, (achievements: AchievementInput[]) => {
        const best = totalsOf(evaluatePolicy(taizhou, inJiaojiang, achievements, asOf)).exactYuan;
        const all = totalsOf(evaluatePolicy({ ...taizhou, stacking: 'ADDITIVE' }, inJiaojiang, achievements, asOf));
        const candidates = evaluatePolicy({ ...taizhou, stacking: 'ADDITIVE' }, inJiaojiang, achievements, asOf)
          .filter((e) => e.eligibility === 'ELIGIBLE' && e.nature === 'EXACT')
          .reduce((n, e) => n + (e.amountYuan ?? 0), 0);
        expect(best).toBeLessThanOrEqual(candidates);
        expect(all.exactYuan).toBeLessThanOrEqual(candidates);
      }),
      { numRuns: 300 },
    );
  });
});
