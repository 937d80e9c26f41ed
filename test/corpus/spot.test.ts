/** Figures read from the seed texts by hand, checked against the encoded corpus: one document at a time. */
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { readCorpus } from '../../src/corpus/read.js';

const corpus = readCorpus(CORPUS_DIR);
const policy = (key: string) => corpus.policies.find((p) => p.key === key)!;
const target = (policyKey: string, key: string) => policy(policyKey).targets.find((t) => t.key === key)!;
const quota = (key: string, jurisdiction: string, year: number) =>
  target('foshan-2017-industrial-quality', key).schedule.find((r) => r.jurisdiction === jurisdiction && r.year === year)
    ?.value;

describe('000 台州 2017', () => {
  const taizhou = policy('taizhou-2017-quality');
  it('covers five districts and zones, keeps the best single reward per project, funds 2000万 a year', () => {
    expect(taizhou.appliesTo).toHaveLength(5);
    expect(taizhou.mayReferTo).toContain('zj-taizhou-linhai');
    expect(taizhou.stacking.rule).toBe('BEST_SINGLE_PER_PROJECT');
    expect(taizhou.fund).toMatchObject({ amount: 20_000_000, period: 'YEAR' });
  });
  it('wants a 95% manufacturing pass rate by 2020 and holds agricultural standardisation at 62%', () => {
    expect(target('taizhou-2017-quality', 'manufacturing-pass-rate-2020')).toMatchObject({ kind: 'REACH', value: 95 });
    expect(target('taizhou-2017-quality', 'agri-standardized-production-floor')).toMatchObject({
      kind: 'FLOOR',
      value: 62,
    });
  });
});

describe('002 泉州 2019', () => {
  it('is valid only until 2020-12-31 and holds the food pass rate at 97%', () => {
    expect(policy('quanzhou-2019-quality').effectiveUntil).toBe('2020-12-31');
    expect(target('quanzhou-2019-quality', 'food-product-pass-rate-floor')).toMatchObject({ kind: 'FLOOR', value: 97 });
  });
});

describe('003 XX市 2022', () => {
  it('has no printed date of issue and floors of 98/98/99% for agricultural, food and drug sampling', () => {
    expect(policy('xx-2022-product-quality').issuedOn).toBeUndefined();
    const floors = [
      'agri-product-monitoring-pass-rate-floor',
      'food-sampling-pass-rate-floor',
      'drug-sampling-pass-rate-floor',
    ];
    expect(floors.map((key) => target('xx-2022-product-quality', key).value)).toEqual([98, 98, 99]);
  });
});

describe('004 佛山 2017-2019', () => {
  it('runs 2017-06-23 to 2019-12-31 under 佛府办函〔2017〕388号', () => {
    expect(policy('foshan-2017-industrial-quality')).toMatchObject({
      documentNumber: '佛府办函〔2017〕388号',
      effectiveFrom: '2017-06-23',
      effectiveUntil: '2019-12-31',
    });
  });
  it('gives each district its yearly quota: 南海 140 newly certified enterprises, 禅城 25 segment leaders', () => {
    expect(quota('qms-certified-enterprises-yearly', 'gd-foshan-nanhai', 2018)).toBe(140);
    expect(quota('segment-leading-enterprises-districts-yearly', 'gd-foshan-chancheng', 2019)).toBe(25);
    expect(
      target('foshan-2017-industrial-quality', 'segment-leading-enterprises-districts-yearly').schedule,
    ).toHaveLength(15);
  });
  it('lets stocks change each year: 南海 229, 239, 249 provincial famous-brand products', () => {
    expect(
      [2017, 2018, 2019].map((y) => quota('valid-provincial-famous-brand-products', 'gd-foshan-nanhai', y)),
    ).toEqual([229, 239, 249]);
  });
  it('leaves 2018 out where the quality awards skip a year, and 2018-2019 where the province had not decided', () => {
    const years = (key: string) => [
      ...new Set(target('foshan-2017-industrial-quality', key).schedule.map((r) => r.year)),
    ];
    expect(years('municipal-quality-award-applicants')).toEqual([2017, 2019]);
    expect(years('technical-renovation-enterprises-2017')).toEqual([2017]);
  });
});
