/**
 * Dated versions (issue 19 item 1): for random value lists, made by the document itself or by an
 * amending one, and random days, the engine judges an achievement by exactly the version in force
 * on its day (the latest `from` on or before it), names it, and stops paying once withdrawn.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { policyInputOf } from '../../src/corpus/engine-input.js';
import { addDays } from '../../src/dates/index.js';
import { evaluatePolicy } from '../../src/engines/entitlement/evaluate.js';
import { messagesFor } from '../../src/i18n/index.js';
import { renderStep } from '../../src/i18n/trace.js';
import { policyFileDef, type AmendmentDef } from '../../src/format/policy.js';

const FIRST_DAY = '2017-06-07';
const day = (offset: number) => addDays(FIRST_DAY, offset);

/** A one-incentive policy of 100万 (FIXED), with `own` versions of its own and `amends` from another document. */
function policyWith(own: Array<{ from: string; amount?: number }>) {
  return policyFileDef.parse({
    key: 'dated',
    source: 'dated.txt',
    title: '日期',
    titleEn: 'dated',
    issuer: '市政府',
    jurisdiction: 'xx-city',
    effectiveFrom: FIRST_DAY,
    stacking: { rule: 'ADDITIVE' },
    clauses: [{ number: '一', text: '…' }],
    incentives: [
      {
        key: 'award',
        clause: '一',
        quote: '给予100万元',
        summary: 'award',
        achievement: 'AWARD',
        recipients: ['ENTERPRISE'],
        rule: { kind: 'FIXED', amount: '100万' },
        versions: own.map((v) => ({
          from: v.from,
          clause: '一',
          quote: 'a version',
          ...(v.amount === undefined ? { withdrawn: true } : { rule: { kind: 'FIXED', amount: `${v.amount}元` } }),
        })),
      },
    ],
  });
}

/** A change: a day offset from the first day, an amount (or undefined: withdrawn), and whether another document makes it. */
const change = fc.record({
  offset: fc.integer({ min: 1, max: 3000 }),
  amount: fc.option(fc.integer({ min: 1, max: 5_000_000 }), { nil: undefined }),
  amending: fc.boolean(),
});

const [en, zh] = [messagesFor('en'), messagesFor('zh-CN')];

describe('dated versions in the engine', () => {
  it('judges an achievement by the version in force on its day, the latest from on or before it', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(change, { selector: (c) => c.offset, maxLength: 6 }),
        fc.integer({ min: 0, max: 3200 }),
        (changes, at) => {
          const sorted = [...changes].sort((a, b) => a.offset - b.offset);
          const own = sorted.filter((c) => !c.amending).map((c) => ({ from: day(c.offset), amount: c.amount }));
          const amendments = sorted
            .filter((c) => c.amending)
            .map((c): { by: string; change: AmendmentDef } => ({
              by: 'amending',
              change: {
                policy: 'dated',
                incentive: 'award',
                from: day(c.offset),
                clause: '二',
                quote: 'an amendment',
                ...(c.amount === undefined ? { withdrawn: true } : { rule: { kind: 'FIXED', amount: c.amount } }),
              },
            }));
          const input = policyInputOf(policyWith(own), amendments);
          const obtainedOn = day(at);
          const [entitlement] = evaluatePolicy(
            input,
            { id: 'e', kind: 'ENTERPRISE', jurisdictionPath: ['xx-city'] },
            [{ id: 'a', kind: 'AWARD', obtainedOn }],
            '2030-12-31',
          );
          const inForce = sorted.filter((c) => day(c.offset) <= obtainedOn).at(-1);
          const version = entitlement!.steps.find((s) => s.code === 'VERSION');
          if (inForce?.amount === undefined && inForce) {
            expect(entitlement).toMatchObject({ eligibility: 'INELIGIBLE', reason: 'WITHDRAWN', amountYuan: null });
            return;
          }
          expect(entitlement).toMatchObject({ eligibility: 'ELIGIBLE', amountYuan: inForce?.amount ?? 1_000_000 });
          const since = inForce ? day(inForce.offset) : FIRST_DAY;
          const by = inForce ? (inForce.amending ? 'amending 二' : 'dated 一') : 'dated 一';
          if (changes.length === 0) expect(version).toBeUndefined();
          else {
            expect(renderStep(version!, en)).toBe(`the terms in force on ${obtainedOn}: since ${since} (${by})`);
            expect(renderStep(version!, zh)).toBe(`${obtainedOn}适用${since}起施行的版本（${by}）`);
          }
        },
      ),
      { seed: 19, numRuns: 300 },
    );
  });
});
