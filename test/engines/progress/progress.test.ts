/**
 * The progress engine on the documents' real targets, with observations recorded per case:
 * 000's pass rate and floor, 001's provincial benchmark, 003's cumulative and yearly goals,
 * 004's district quotas.
 */
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../../src/corpus/paths.js';
import { readCorpus } from '../../../src/corpus/read.js';
import { targetInputOf } from '../../../src/engines/progress/corpus-input.js';
import {
  districtsBehind,
  progressByDistrict,
  progressOf,
  projectTrend,
} from '../../../src/engines/progress/progress.js';
import { explainProgress, periodInWords, phraseText } from '../../support/english.js';
import type { ObservationInput } from '../../../src/engines/progress/types.js';

const corpus = readCorpus(CORPUS_DIR);
const target = (policyKey: string, key: string) => {
  const policy = corpus.policies.find((p) => p.key === policyKey)!;
  return targetInputOf(
    corpus,
    policy,
    policy.targets.find((t) => t.key === key)!,
  );
};
const series = (indicator: string, jurisdiction: string, values: Record<number, number>, source = '统计公报') =>
  Object.entries(values).map(([year, value]): ObservationInput => ({
    indicator,
    jurisdiction,
    year: Number(year),
    value,
    source,
    recordedAt: `${year}-12-31T00:00:00Z`,
  }));

describe('000 台州: manufacturing pass rate 95% by 2020 (REACH)', () => {
  const pass = target('taizhou-2017-quality', 'manufacturing-pass-rate-2020');
  const observed = series('MANUFACTURING_PRODUCT_PASS_RATE', 'zj-taizhou', { 2017: 92, 2018: 93, 2019: 93.4 });

  it('is AT_RISK in 2019: 93.4 behind the 94 expected on the straight path from 92 (2017) to 95 (2020)', () => {
    const progress = progressOf(pass, observed, { asOf: '2019-12-31' });
    expect(progress.status).toBe('AT_RISK');
    expect(progress.periods).toEqual([
      expect.objectContaining({
        year: 2020,
        targetValue: 95,
        observed: 93.4,
        observedThrough: 2019,
        expected: 94,
        share: 0.4667,
        projection: 94.2,
      }),
    ]);
    expect(explainProgress(progress)).toContain('taizhou-2017-quality clause 一/(二): 制造业产品质量合格率达到95%');
  });

  it('is ACHIEVED at 95.2 in 2020, and MISSED at 94.1 once 2020 is over', () => {
    expect(
      progressOf(pass, [...observed, ...series(pass.indicator.code, 'zj-taizhou', { 2020: 95.2 })], {
        asOf: '2021-03-01',
      }).status,
    ).toBe('ACHIEVED');
    const missed = progressOf(pass, [...observed, ...series(pass.indicator.code, 'zj-taizhou', { 2020: 94.1 })], {
      asOf: '2021-03-01',
    });
    expect(missed.status).toBe('MISSED');
    expect(phraseText(missed.periods[0]!.reason)).toBe('94.1 against at least 95: not met by 2020-12-31');
  });

  it('says NO_DATA before anything is observed', () => {
    expect(progressOf(pass, [], { asOf: '2018-06-30' })).toMatchObject({ status: 'NO_DATA' });
  });
});

describe('000 台州: agricultural standardisation held at 62% or more (FLOOR)', () => {
  it('is BREACHED by 61.5 in 2018 even though 2019 recovers to 64', () => {
    const floor = target('taizhou-2017-quality', 'agri-standardized-production-floor');
    const progress = progressOf(
      floor,
      series('AGRI_STANDARDIZED_PRODUCTION_RATE', 'zj-taizhou', { 2017: 63, 2018: 61.5, 2019: 64 }),
      { asOf: '2020-06-30' },
    );
    expect(progress.periods.map((p) => [p.year, p.status])).toEqual([
      [2017, 'ACHIEVED'],
      [2018, 'BREACHED'],
      [2019, 'ACHIEVED'],
      [2020, 'NO_DATA'],
    ]);
    expect(progress.status).toBe('BREACHED');
  });
});

describe('001 娄底: import and export pass rate 99% by 2020, and at or above the Hunan average every year', () => {
  const observed = series('IMPORT_EXPORT_GOODS_PASS_RATE', 'hn-loudi', { 2020: 99.2 });
  const province = series('IMPORT_EXPORT_GOODS_PASS_RATE', 'hn', { 2020: 99.5 }, '湖南省市场监管局');

  it('meets the absolute 99% but misses the provincial average of 99.5, naming the benchmark', () => {
    const absolute = progressOf(target('loudi-2017-quality', 'import-export-pass-rate-2020'), observed, {
      asOf: '2021-01-15',
    });
    expect(absolute.status).toBe('ACHIEVED');
    const relative = progressOf(target('loudi-2017-quality', 'import-export-pass-rate-vs-province'), observed, {
      asOf: '2021-01-15',
      benchmark: province,
    });
    const year2020 = relative.periods.find((p) => p.year === 2020)!;
    expect(year2020).toMatchObject({ status: 'MISSED', targetValue: 99.5, observed: 99.2 });
    expect(phraseText(year2020.targetSource!)).toContain('PROVINCIAL_AVERAGE in 2020: 99.5 (湖南省市场监管局');
    expect(relative.status).toBe('MISSED');
  });

  it('has NO_DATA for a year without the provincial average', () => {
    const relative = progressOf(target('loudi-2017-quality', 'import-export-pass-rate-vs-province'), observed, {
      asOf: '2021-01-15',
      benchmark: [],
    });
    expect(periodInWords(relative.periods.find((p) => p.year === 2020))).toMatchObject({
      status: 'NO_DATA',
      reason: 'no PROVINCIAL_AVERAGE observed for 2020',
    });
  });
});

describe('003 XX市: 100 standards by 2025 (CUMULATIVE) and 200 trained a year (ANNUAL_ADDITIONS)', () => {
  const standards = target('xx-2022-product-quality', 'standards-drafted-2025');
  const code = standards.indicator.code;

  it('sums the yearly additions: 20 + 25 = 45 is behind the 50 expected halfway; 20 + 35 is on track', () => {
    const behind = progressOf(standards, series(code, 'xx-city', { 2022: 20, 2023: 25 }), { asOf: '2023-12-31' });
    expect(behind.periods[0]).toMatchObject({
      observed: 45,
      expected: 50,
      share: 0.45,
      status: 'AT_RISK',
      projection: 95,
    });
    expect(progressOf(standards, series(code, 'xx-city', { 2022: 20, 2023: 35 }), { asOf: '2023-12-31' }).status).toBe(
      'ON_TRACK',
    );
  });

  it('lets a corrected observation supersede the first', () => {
    const first = series(code, 'xx-city', { 2022: 20, 2023: 25 });
    const correction: ObservationInput = {
      ...first[1]!,
      value: 35,
      source: '更正',
      recordedAt: '2024-02-01T00:00:00Z',
    };
    expect(progressOf(standards, [...first, correction], { asOf: '2023-12-31' }).periods[0]!.observed).toBe(55);
  });

  it('judges each year of a yearly goal: 210 in 2022 met, 150 in 2023 missed', () => {
    const training = target('xx-2022-product-quality', 'certification-training-yearly');
    const progress = progressOf(training, series(training.indicator.code, 'xx-city', { 2022: 210, 2023: 150 }), {
      asOf: '2024-02-01',
    });
    expect(progress.periods.slice(0, 2).map((p) => [p.year, p.targetValue, p.status])).toEqual([
      [2022, 200, 'ACHIEVED'],
      [2023, 200, 'MISSED'],
    ]);
    expect(progress.status).toBe('MISSED');
  });
});

describe('004 佛山: district quotas for segment leaders (350 by 2019; 禅城 25, 南海 35, 顺德 35, 高明 15, 三水 15 a year)', () => {
  const leaders = target('foshan-2017-industrial-quality', 'segment-leading-enterprises');
  const quotas = target('foshan-2017-industrial-quality', 'segment-leading-enterprises-districts-yearly');
  const districts = [
    'gd-foshan-chancheng',
    'gd-foshan-nanhai',
    'gd-foshan-shunde',
    'gd-foshan-gaoming',
    'gd-foshan-sanshui',
  ];
  const yearly: Record<string, Record<number, number>> = {
    'gd-foshan-chancheng': { 2017: 25, 2018: 25 },
    'gd-foshan-nanhai': { 2017: 40, 2018: 40 },
    'gd-foshan-shunde': { 2017: 36, 2018: 35 },
    'gd-foshan-gaoming': { 2017: 15, 2018: 10 },
    'gd-foshan-sanshui': { 2017: 16, 2018: 16 },
  };
  const observed = Object.entries(yearly).flatMap(([d, values]) =>
    series(leaders.indicator.code, d, values, '区市场监管局'),
  );

  it('finds 高明 behind its 15 of 2018 (10) while the city, summed from its districts, is on track to 350', () => {
    const city = progressOf(leaders, observed, { asOf: '2018-12-31', districts });
    expect(city.periods[0]).toMatchObject({
      targetValue: 350,
      observed: 258,
      derivedFromDistricts: true,
      expected: 233.3333,
      status: 'ON_TRACK',
    });
    const byDistrict = progressByDistrict(quotas, observed, { asOf: '2018-12-31', districts });
    expect(byDistrict.districts.map((d) => [d.jurisdiction, d.status])).toEqual([
      ['gd-foshan-chancheng', 'ACHIEVED'],
      ['gd-foshan-nanhai', 'ACHIEVED'],
      ['gd-foshan-shunde', 'ACHIEVED'],
      ['gd-foshan-gaoming', 'AT_RISK'],
      ['gd-foshan-sanshui', 'ACHIEVED'],
    ]);
    expect(districtsBehind(byDistrict)).toEqual([
      { jurisdiction: 'gd-foshan-gaoming', status: 'AT_RISK', year: 2018, targetValue: 15, observed: 10, gap: 5 },
    ]);
  });

  it("never sums districts' rates: the city's credit-file rate needs its own observation", () => {
    const rate = target('foshan-2017-industrial-quality', 'quality-credit-file-rate');
    const perDistrict = districts.flatMap((d) => series(rate.indicator.code, d, { 2017: 85 }));
    const city = progressOf(rate, perDistrict, { asOf: '2017-12-31', districts });
    expect(city.periods[0]).toMatchObject({ targetValue: 80, observed: null, status: 'NO_DATA' });
    const nanhai = progressOf(
      rate,
      [...perDistrict, ...series(rate.indicator.code, 'gd-foshan-nanhai', { 2018: 78 })],
      {
        asOf: '2019-01-31',
        jurisdiction: 'gd-foshan-nanhai',
      },
    );
    expect(nanhai.periods.map((p) => [p.year, p.targetValue, p.status])).toEqual([
      [2017, 80, 'ACHIEVED'],
      [2018, 80, 'BREACHED'],
      [2019, 80, 'NO_DATA'],
    ]);
  });
});

describe('trend projection', () => {
  it('fits a least-squares line: 92, 93, 93.4 over 2017-2019 reach 94.2 in 2020', () => {
    expect(
      projectTrend(
        [
          [2017, 92],
          [2018, 93],
          [2019, 93.4],
        ],
        2020,
      ),
    ).toBe(94.2);
    expect(projectTrend([[2019, 93.4]], 2020)).toBeNull();
  });
});
