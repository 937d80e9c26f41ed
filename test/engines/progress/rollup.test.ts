import { describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../../src/corpus/paths.js';
import { readCorpus } from '../../../src/corpus/read.js';
import { mismatches, rollUpQuotas } from '../../../src/engines/progress/rollup.js';

const corpus = readCorpus(CORPUS_DIR);
const foshan = corpus.policies.find((p) => p.key === 'foshan-2017-industrial-quality')!;
const target = (key: string) => foshan.targets.find((t) => t.key === key)!;
const unitOf = (key: string) => corpus.indicators.get(target(key).indicator)!.unit;
const rollup = (key: string) => rollUpQuotas(target(key), unitOf(key));

describe("004's district quotas rolled up to the city", () => {
  it("segment leaders: 25+35+35+15+15 a year is 375 over 2017-2019, 25 more than the city's 350", () => {
    expect(rollup('segment-leading-enterprises')).toEqual([
      { year: null, districtSum: 375, districts: 5, cityFigure: 350, difference: 25 },
    ]);
  });

  it("newly QMS-certified enterprises: the districts owe 400 a year, 100 short of the city's 500, every year", () => {
    expect(rollup('qms-certified-enterprises-yearly')).toEqual(
      [2017, 2018, 2019].map((year) => ({ year, districtSum: 400, districts: 5, cityFigure: 500, difference: -100 })),
    );
  });

  it('quotas that add up are not reported: CQO training 120 a year, analysis meetings 8, patent standards 60 in all', () => {
    expect(mismatches(target('cqo-training-enterprises-yearly'), 'COUNT')).toEqual([]);
    expect(rollup('quality-analysis-meetings-yearly').map((r) => r.districtSum)).toEqual([8, 8, 8]);
    expect(rollup('patent-to-standard-conversions')).toEqual([
      { year: null, districtSum: 60, districts: 5, cityFigure: 60, difference: 0 },
    ]);
    expect(mismatches(target('brand-demo-zones-added-2019'), 'COUNT')).toEqual([]);
  });

  it("stocks without a city figure roll up to nothing to compare; their district sums are the document's", () => {
    expect(rollup('valid-provincial-famous-brand-products')).toEqual([]);
    const sums = new Map<number, number>();
    for (const row of target('valid-provincial-famous-brand-products').schedule)
      sums.set(row.year, (sums.get(row.year) ?? 0) + row.value);
    expect(Object.fromEntries(sums)).toEqual({ 2017: 500, 2018: 532, 2019: 563 });
  });

  it('rates are never summed: five districts at 95% are not a city at 475%', () => {
    expect(unitOf('industrial-product-sampling-pass-rate')).toBe('PERCENT');
    expect(rollup('industrial-product-sampling-pass-rate')).toEqual([]);
  });

  it('every mismatch in the corpus is one the policy notes name', () => {
    const found = corpus.policies.flatMap((policy) =>
      policy.targets
        .filter((t) => mismatches(t, corpus.indicators.get(t.indicator)!.unit).length > 0)
        .map((t) => `${policy.key}/${t.key}`),
    );
    expect(found.sort()).toEqual([
      'foshan-2017-industrial-quality/qms-certified-enterprises-yearly',
      'foshan-2017-industrial-quality/risk-monitoring-runs-yearly',
      'foshan-2017-industrial-quality/segment-leading-enterprises',
    ]);
  });
});
