/**
 * Issue 21, classes 6 and 7 on the seeds' own clauses: the comparator a sentence states (超过/突破
 * strictly more, 以上/不少于 at least, 以内/不超过 at most) and a figure each county owes
 * (每个县(市、区)每年至少…), with generated cases so the next variant is caught too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { comparatorWords, meets, statedComparator } from '../../../src/format/comparators.js';
import { CORPUS_DIR } from '../../../src/corpus/paths.js';
import { readCorpus } from '../../../src/corpus/read.js';
import { targetMeaningProblems } from '../../../src/corpus/target-meaning.js';
import { targetInputOf } from '../../../src/engines/progress/corpus-input.js';
import { progressOf } from '../../../src/engines/progress/progress.js';
import { periodInWords, phraseText, progressStepText } from '../../support/english.js';
import type { ObservationInput, TargetInput } from '../../../src/engines/progress/types.js';

const corpus = readCorpus(CORPUS_DIR);
const policyOf = (key: string) => corpus.policies.find((p) => p.key === key)!;
const target = (policyKey: string, key: string) => {
  const policy = policyOf(policyKey);
  return targetInputOf(
    corpus,
    policy,
    policy.targets.find((t) => t.key === key)!,
  );
};
const obs = (indicator: string, jurisdiction: string, year: number, value: number): ObservationInput => ({
  indicator,
  jurisdiction,
  year,
  value,
  source: '统计公报',
  recordedAt: `${year + 1}-01-31T00:00:00Z`,
});

describe('class 7: the comparator the sentence states', () => {
  it.each([
    ['地理标志商标数量超过35件', [35], 'GT', '超过'],
    ['全市国内有效商标注册量突破30万件', [300000], 'GT', '突破'],
    ['确保到2025年,全市智能马桶产业总产值超1000亿元', [1e11], 'GT', '超'],
    ['鲁班奖工程达1个以上', [1], 'GTE', '达'],
    ['帮扶小微企业不少于300家', [300], 'GTE', '不少于'],
    ['每年度制造業產品質量合格率…達到或高于全省年度平均值', [], 'GTE', '達到或高于'],
    ['杜絕發生重特大質量安全事故', [0], 'LTE', '杜絕'],
    // 规模以上 qualifies the enterprises counted, not the figure.
    ['推动1000家规模以上企业实施技术改造', [1000], null, null],
    // 10,000: a thousands separator, not the end of a sentence.
    ['培训企业人员10,000人次以上', [10000], 'GTE', '以上'],
    ['农产品质量监测、食品抽检、药品监督抽检合格率分别保持在98%、98%、99%以上', [98], 'GTE', '以上'],
  ] as const)('%s → %s', (quote, figures, comparator, word) => {
    const stated = statedComparator(quote, [...figures]);
    expect(stated?.comparator ?? null).toBe(comparator);
    expect(stated?.word ?? null).toBe(word);
  });

  it('reads 不超过 and 不少于 as themselves, never as the 超过 or 少于 inside them', () => {
    expect(comparatorWords('年度补助不超过50万元,不少于3家').map((w) => [w.word, w.comparator])).toEqual([
      ['不超过', 'LTE'],
      ['不少于', 'GTE'],
    ]);
  });

  it('"more than 35" is not met by 35, "at least 35" is; ceilings the other way round', () => {
    expect([meets('GT', 35, 35), meets('GTE', 35, 35), meets('GT', 36, 35)]).toEqual([false, true, true]);
    expect([meets('LT', 0, 0), meets('LTE', 0, 0), meets('LT', -1, 0)]).toEqual([false, true, true]);
  });

  it('decides 002 泉州 gi-trademarks-2020 (超过35件) by the strict comparator, and says so', () => {
    const gi = target('quanzhou-2019-quality', 'gi-trademarks-2020');
    const at35 = progressOf(gi, [obs(gi.indicator.code, 'fj-quanzhou', 2020, 35)], { asOf: '2021-03-31' });
    expect(at35.status).toBe('MISSED');
    expect(phraseText(at35.periods[0]!.reason)).toBe('35 against more than 35: not met by 2020-12-31');
    expect({ code: at35.steps[1]!.code, text: progressStepText(at35.steps[1]!) }).toEqual({
      code: 'COMPARATOR',
      text: 'met when the value is more than the figure (GT: the clause says 超过)',
    });
  });

  it('generated: a strict figure is never met by the figure itself, and met by anything above it', () => {
    const gi = target('quanzhou-2019-quality', 'gi-trademarks-2020');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 1_000 }),
        fc.constantFrom('GT', 'GTE') as fc.Arbitrary<'GT' | 'GTE'>,
        (figure, above, comparator) => {
          const t: TargetInput = { ...gi, comparator, value: figure };
          const status = (value: number) =>
            progressOf(t, [obs(gi.indicator.code, 'fj-quanzhou', 2020, value)], { asOf: '2021-03-31' }).status;
          expect(status(figure)).toBe(comparator === 'GT' ? 'MISSED' : 'ACHIEVED');
          expect(status(figure + above)).toBe('ACHIEVED');
        },
      ),
      { seed: 21, numRuns: 150 },
    );
  });

  it('corpus:check reports a 超过 encoded "at least", and an "at least" encoded strict', () => {
    const quanzhou = policyOf('quanzhou-2019-quality');
    const flipped = {
      ...quanzhou,
      targets: quanzhou.targets.map((t) =>
        t.key === 'gi-trademarks-2020'
          ? { ...t, comparator: 'GTE' as const }
          : t.key === 'luban-award-projects-2020'
            ? { ...t, comparator: 'GT' as const }
            : t,
      ),
    };
    expect(targetMeaningProblems(flipped).map((f) => f.message)).toEqual([
      'target gi-trademarks-2020 [一/(三)]: the quote says 超过 (GT, more than) but the target is encoded GTE (at least)',
      'target luban-award-projects-2020 [一/(三)]: the quote says 达 (GTE, at least) but the target is encoded GT (more than)',
    ]);
    expect(corpus.policies.flatMap((p) => targetMeaningProblems(p))).toEqual([]);
  });
});

describe('class 6: a figure for each county or district, no city figure', () => {
  const cases = target('xx-2022-product-quality', 'sme-exemplary-cases-per-county-yearly');
  const code = cases.indicator.code;

  it('003 每个县(市、区)每年至少5个: county A with 6 meets it, county B with 3 does not, so the city does not', () => {
    const observations = [obs(code, 'xx-a', 2023, 6), obs(code, 'xx-b', 2023, 3), obs(code, 'xx-city', 2023, 9)];
    const options = { asOf: '2024-01-31', districts: ['xx-a', 'xx-b'] };
    const city = progressOf(cases, observations, options);
    expect(periodInWords(city.periods.find((p) => p.year === 2023))).toMatchObject({
      targetValue: 2,
      observed: 1,
      share: 0.5,
      derivedFromDistricts: true,
      status: 'MISSED',
      reason: '1 of 2 met at least 5 each: xx-a ACHIEVED, xx-b MISSED',
    });
    expect(progressOf(cases, observations, { ...options, jurisdiction: 'xx-a' }).periods[1]).toMatchObject({
      targetValue: 5,
      observed: 6,
      status: 'ACHIEVED',
    });
    // A jurisdiction the figure is not set for has none.
    expect(progressOf(cases, observations, { ...options, jurisdiction: 'xx-c' }).periods[1]).toMatchObject({
      targetValue: null,
      status: 'NO_DATA',
    });
  });

  it('corpus:check reports a 每个县(市、区) figure encoded as the city’s own', () => {
    const xx = policyOf('xx-2022-product-quality');
    const asCity = {
      ...xx,
      targets: xx.targets.map((t) =>
        t.key === 'sme-exemplary-cases-per-county-yearly' ? { ...t, per: 'SCOPE' as const } : t,
      ),
    };
    expect(targetMeaningProblems(asCity).map((f) => f.message)).toEqual([
      "target sme-exemplary-cases-per-county-yearly [二/(六)]: the quote sets a figure for each county or district (每个县) but it is encoded as xx-city's own: write per: EACH_JURISDICTION, or the districts' schedule",
    ]);
  });

  it('generated: the city line counts the districts meeting their own figure and is ACHIEVED only when all do', () => {
    const districts = ['xx-a', 'xx-b', 'xx-c', 'xx-d'];
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }), {
          minLength: districts.length,
          maxLength: districts.length,
        }),
        fc.integer({ min: 0, max: 200 }),
        (values, cityTotal) => {
          const observations = [
            obs(code, 'xx-city', 2023, cityTotal),
            ...districts.flatMap((d, i) => (values[i] === undefined ? [] : [obs(code, d, 2023, values[i])])),
          ];
          const period = progressOf(cases, observations, { asOf: '2024-01-31', districts }).periods.find(
            (p) => p.year === 2023,
          )!;
          const met = values.filter((v) => v !== undefined && v >= 5).length;
          expect(period.targetValue).toBe(districts.length);
          expect(period.observed).toBe(met);
          expect(period.status === 'ACHIEVED').toBe(met === districts.length);
          if (met < districts.length && values.some((v) => v !== undefined && v < 5))
            expect(period.status).toBe('MISSED');
        },
      ),
      { seed: 6, numRuns: 150 },
    );
  });
});
