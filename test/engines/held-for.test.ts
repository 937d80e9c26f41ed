/**
 * A HELD_FOR condition (满一年: held N months) is due N calendar months after the day obtained,
 * clamped to the month's end: "due 2019-02-31" was printed for 2018-01-31 + 13 months.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../src/engines/entitlement/evaluate.js';
import type { PolicyInput } from '../../src/engines/entitlement/types.js';
import { stepText } from '../support/english.js';

const policy = (months: number): PolicyInput => ({
  key: 'held-for',
  title: '满一年',
  jurisdiction: 'xx-city',
  appliesTo: [],
  effectiveFrom: '1990-01-01',
  stacking: 'ADDITIVE',
  incentives: [
    {
      key: 'secretariat',
      clausePath: '一/(三)',
      clauseText: '…',
      quote: '…承担秘书处工作(满一年)的单位…',
      achievementKind: 'TC_SECRETARIAT',
      levels: [],
      recipients: ['ENTERPRISE'],
      rule: { kind: 'FIXED', amount: 300_000 },
      conditions: [{ kind: 'HELD_FOR', months, text: '满一年' }],
      obtained: 'NEW',
      stageByLevel: false,
      restatedIn: [],
    },
  ],
});

const judged = (months: number, obtainedOn: string, asOf: string) => {
  const [entitlement] = evaluatePolicy(
    policy(months),
    { id: 'e1', kind: 'ENTERPRISE', jurisdictionPath: ['xx-city'] },
    [{ id: 'a1', kind: 'TC_SECRETARIAT', obtainedOn }],
    asOf,
  );
  const text = stepText(entitlement!.steps.find((s) => s.code === 'CONDITION')!);
  return { eligibility: entitlement!.eligibility, text, due: /(?:due|not before) (\S+)$/.exec(text)![1]! };
};

const realDay = (day: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(day) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day);

describe('HELD_FOR conditions', () => {
  it('is due at the end of a shorter month, not on a day the calendar lacks', () => {
    expect(judged(13, '2018-01-31', '2019-12-31')).toEqual({
      eligibility: 'ELIGIBLE',
      text: '满一年: held since 2018-01-31, due 2019-02-28',
      due: '2019-02-28',
    });
    expect(judged(13, '2018-01-31', '2019-02-27')).toMatchObject({ eligibility: 'INELIGIBLE', due: '2019-02-28' });
    expect(judged(13, '2018-01-31', '2019-02-28').eligibility).toBe('ELIGIBLE');
    expect(judged(12, '2024-02-29', '2025-02-28')).toMatchObject({ eligibility: 'ELIGIBLE', due: '2025-02-28' });
  });

  it('generated: every printed due day is a real day, not before the day obtained, and decides eligibility', () => {
    const day = fc
      .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(
        day,
        fc.integer({ min: 1, max: 120 }),
        fc.constantFrom('2019-02-28', '2024-02-29', '2030-06-30', '2100-12-31'),
        (obtainedOn, months, asOf) => {
          fc.pre(obtainedOn <= asOf);
          const { eligibility, due } = judged(months, obtainedOn, asOf);
          expect(realDay(due)).toBe(true);
          expect(due > obtainedOn).toBe(true);
          expect(eligibility).toBe(due <= asOf ? 'ELIGIBLE' : 'INELIGIBLE');
        },
      ),
      { seed: 17, numRuns: 400 },
    );
  });
});
