/**
 * Dated target figures, generated (issue 19): random timelines of versions, each setting some
 * years' figures (and possibly the comparator) from a day, judged at a random asOf. Every period's
 * figure and comparator are those in force on its last day, or on asOf while it is open, and the
 * trace's VERSION steps name, for every year, the version that judged it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { targetVersionsOf } from '../../../src/corpus/engine-input.js';
import { addDays } from '../../../src/dates/index.js';
import { comparators, targetDef, type PolicyFile } from '../../../src/format/policy.js';
import { targetInputOf } from '../../../src/engines/progress/corpus-input.js';
import { progressOf } from '../../../src/engines/progress/progress.js';

const YEARS = [2017, 2018, 2019, 2020];
const policy = { key: 'p', jurisdiction: 'city', effectiveFrom: '2017-01-01' } as PolicyFile;
const corpus = { indicators: new Map([['X', { code: 'X', zh: 'X', en: 'X', unit: 'COUNT' as const }]]) };

/** A day from 2017-01-02 to 2022-12-31. */
const day = fc.integer({ min: 1, max: 6 * 365 + 1 }).map((n) => addDays('2017-01-01', n));

const version = fc.record({
  rows: fc.uniqueArray(fc.record({ year: fc.constantFrom(...YEARS), value: fc.integer({ min: 0, max: 1000 }) }), {
    selector: (r) => r.year,
    minLength: 1,
    maxLength: 4,
  }),
  comparator: fc.option(fc.constantFrom(...comparators), { nil: undefined }),
});

const timeline = fc.record({
  first: fc.tuple(...YEARS.map(() => fc.integer({ min: 0, max: 1000 }))),
  versions: fc.uniqueArray(fc.tuple(day, version), { selector: ([d]) => d, maxLength: 5 }),
  observed: fc.tuple(...YEARS.map(() => fc.integer({ min: 0, max: 1000 }))),
  asOf: day,
});

describe('dated target figures (generated)', () => {
  it('judges every period by the figures in force on its last day, or on asOf while open', () => {
    fc.assert(
      fc.property(timeline, ({ first, versions, observed, asOf }) => {
        const dated = [...versions].sort(([a], [b]) => a.localeCompare(b));
        const target = targetDef.parse({
          key: 't',
          clause: '一',
          quote: '每年新增',
          summary: 's',
          indicator: 'X',
          kind: 'ANNUAL_ADDITIONS',
          from: 2017,
          to: 2020,
          schedule: YEARS.map((year, i) => ({ year, value: first[i] })),
          versions: dated.map(([from, v]) => ({
            from,
            clause: '二',
            quote: `自${from}起调整`,
            schedule: v.rows,
            ...(v.comparator && { comparator: v.comparator }),
          })),
        });
        const input = targetInputOf(corpus, policy, target, targetVersionsOf(policy, target));
        const observations = YEARS.map((year, i) => ({
          indicator: 'X',
          jurisdiction: 'city',
          year,
          value: observed[i]!,
          source: '统计',
          recordedAt: `${year}-12-31T00:00:00Z`,
        }));
        const progress = progressOf(input, observations, { asOf });
        let judged = 0;
        for (const [i, period] of progress.periods.entries()) {
          // The oracle: the last version on or before the day that sets the year's figure, else the first.
          const on = period.end < asOf ? period.end : asOf;
          const inForce = dated.filter(([from]) => from <= on);
          const setter = inForce.filter(([, v]) => v.rows.some((r) => r.year === period.year)).at(-1);
          const figure = setter ? setter[1].rows.find((r) => r.year === period.year)!.value : first[i];
          expect(period.targetValue).toBe(figure);
          const comparator = inForce.filter(([, v]) => v.comparator).at(-1)?.[1].comparator ?? 'GTE';
          if (period.start <= asOf && period.observed !== null) {
            expect(period.reason.values.comparator).toEqual({ id: `comparator.${comparator}`, values: {} });
            judged++;
          }
          // The VERSION step that lists the year names the version in force on that day.
          const step = progress.steps.find(
            (s) => s.code === 'VERSION' && (s.values.years as number[] | null)?.includes(period.year),
          );
          if (dated.length) expect(step?.values.since).toBe(inForce.at(-1)?.[0] ?? policy.effectiveFrom);
          else expect(step).toBeUndefined();
        }
        // Every period started by asOf has its year's observation, so each was judged against a figure.
        expect(judged).toBe(
          progress.periods.filter((p) => p.start <= asOf && p.year <= Number(asOf.slice(0, 4))).length,
        );
      }),
      { seed: 20261202, numRuns: 300 },
    );
  });
});
