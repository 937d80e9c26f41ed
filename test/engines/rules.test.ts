/** Each rule evaluator against the figures the seed documents promise. */
import { describe, expect, it } from 'vitest';
import { evaluateRule } from '../../src/engines/entitlement/rules.js';
import type { AchievementInput } from '../../src/engines/entitlement/types.js';

const achievement = (facts: Partial<AchievementInput>): AchievementInput => ({
  id: 'a1',
  kind: 'K',
  obtainedOn: '2018-05-01',
  ...facts,
});
const none = { priorUnits: 0 };
const amountOf = (outcome: ReturnType<typeof evaluateRule>) =>
  outcome.kind === 'amount' ? outcome.amountYuan : outcome.kind;

describe('rule evaluators', () => {
  it('TIERED: 000 (四) 中国质量奖 100万, 提名 30万; a missing level is NEEDS_INFO', () => {
    const rule = {
      kind: 'TIERED' as const,
      tiers: [
        { level: 'WINNER', amount: 1_000_000 },
        { level: 'NOMINATION', amount: 300_000 },
      ],
    };
    expect(amountOf(evaluateRule(rule, achievement({ level: 'WINNER' }), none))).toBe(1_000_000);
    expect(amountOf(evaluateRule(rule, achievement({ level: 'NOMINATION' }), none))).toBe(300_000);
    expect(evaluateRule(rule, achievement({}), none)).toEqual({ kind: 'missing', fields: ['level'] });
    expect(evaluateRule(rule, achievement({ level: 'GOLD' }), none)).toMatchObject({
      kind: 'ineligible',
      reason: 'LEVEL_NOT_REWARDED',
    });
  });

  it('PER_UNIT: 000 (四) 浙江名牌 10万 per product', () => {
    const rule = { kind: 'PER_UNIT' as const, unit: 'PRODUCT' as const, amount: 100_000 };
    expect(amountOf(evaluateRule(rule, achievement({ units: 3 }), none))).toBe(300_000);
    expect(evaluateRule(rule, achievement({}), none)).toEqual({ kind: 'missing', fields: ['units'] });
  });

  it('FIRST_PLUS_INCREMENT: 000 (四) 浙江制造 first 20万, each further unit 10万', () => {
    const rule = { kind: 'FIRST_PLUS_INCREMENT' as const, first: 200_000, increment: 100_000 };
    expect(amountOf(evaluateRule(rule, achievement({ units: 1 }), none))).toBe(200_000);
    expect(amountOf(evaluateRule(rule, achievement({ units: 3 }), none))).toBe(400_000);
    // A later certification of the same enterprise has no "first" unit any more.
    expect(amountOf(evaluateRule(rule, achievement({ units: 2 }), { priorUnits: 3 }))).toBe(200_000);
  });

  it('PERCENTAGE: 000 (六) 50% of international registration fees; 000 (二十二) 50% of the research budget', () => {
    const fees = { kind: 'PERCENTAGE' as const, percent: 50, of: 'COST' as const };
    expect(amountOf(evaluateRule(fees, achievement({ costYuan: 123_457 }), none))).toBe(61_728);
    expect(evaluateRule(fees, achievement({}), none)).toEqual({ kind: 'missing', fields: ['costYuan'] });
    const budget = { kind: 'PERCENTAGE' as const, percent: 50, of: 'BUDGET' as const };
    expect(amountOf(evaluateRule(budget, achievement({ budgetYuan: 800_000 }), none))).toBe(400_000);
  });

  it('MATCHING: 000 (二十二) 1:1 with the provincial equipment grant', () => {
    const rule = {
      kind: 'MATCHING' as const,
      ratio: { numerator: 1, denominator: 1 },
      of: 'PROVINCIAL_GRANT' as const,
    };
    expect(amountOf(evaluateRule(rule, achievement({ provincialGrantYuan: 350_000 }), none))).toBe(350_000);
    expect(evaluateRule(rule, achievement({ provincialGrantYuan: 0 }), none)).toMatchObject({ amountYuan: 0 });
    expect(evaluateRule(rule, achievement({}), none)).toEqual({ kind: 'missing', fields: ['provincialGrantYuan'] });
  });

  it('RANK: 002 brand value list 30万 + 50万 for the top three; 003 county R&D top 10/20/30 → 150/100/50万', () => {
    const listing = { kind: 'RANK' as const, base: 300_000, bands: [{ upTo: 3, amount: 500_000 }] };
    expect(amountOf(evaluateRule(listing, achievement({ rank: 2 }), none))).toBe(800_000);
    expect(amountOf(evaluateRule(listing, achievement({ rank: 7 }), none))).toBe(300_000);
    const county = {
      kind: 'RANK' as const,
      bands: [
        { upTo: 10, amount: 1_500_000 },
        { upTo: 20, amount: 1_000_000 },
        { upTo: 30, amount: 500_000 },
      ],
    };
    expect(amountOf(evaluateRule(county, achievement({ rank: 10 }), none))).toBe(1_500_000);
    expect(amountOf(evaluateRule(county, achievement({ rank: 11 }), none))).toBe(1_000_000);
    expect(amountOf(evaluateRule(county, achievement({ rank: 30 }), none))).toBe(500_000);
    expect(evaluateRule(county, achievement({ rank: 31 }), none)).toMatchObject({
      kind: 'ineligible',
      reason: 'RANK_NOT_REWARDED',
    });
    expect(evaluateRule(county, achievement({}), none)).toEqual({ kind: 'missing', fields: ['rank'] });
  });

  it('CEILING, UNSPECIFIED and NON_MONETARY never pretend to be a sum', () => {
    expect(evaluateRule({ kind: 'CEILING', max: 1_000_000 }, achievement({}), none)).toMatchObject({
      nature: 'UP_TO',
      amountYuan: 1_000_000,
    });
    expect(evaluateRule({ kind: 'UNSPECIFIED' }, achievement({}), none)).toMatchObject({
      nature: 'UNSPECIFIED',
      amountYuan: null,
    });
    expect(
      evaluateRule({ kind: 'NON_MONETARY', benefit: '享受出口贸易便利等政策优惠' }, achievement({}), none),
    ).toMatchObject({
      nature: 'NON_MONETARY',
      amountYuan: null,
    });
  });
});
