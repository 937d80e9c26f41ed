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
  it("segment leaders: the city's 350 by 2019 and the districts' 125 a year are two targets, nothing to add up", () => {
    expect(rollup('segment-leading-enterprises')).toEqual([]);
    expect(rollup('segment-leading-enterprises-districts-yearly')).toEqual([]);
    expect(target('segment-leading-enterprises-districts-yearly').schedule.filter((r) => r.year === 2018)).toHaveLength(
      5,
    );
  });

  it('a per-jurisdiction figure (each district 1 new brand zone a year) has no city figure to roll up to', () => {
    expect(target('brand-demo-zones-added-districts-yearly')).toMatchObject({ per: 'EACH_JURISDICTION', value: 1 });
    expect(rollup('brand-demo-zones-added-districts-yearly')).toEqual([]);
  });

  it("newly QMS-certified enterprises: the districts owe 400 a year, 100 short of the city's 500, every year", () => {
    expect(rollup('qms-certified-enterprises-yearly')).toEqual(
      [2017, 2018, 2019].map((year) => ({ year, districtSum: 400, districts: 5, cityFigure: 500, difference: -100 })),
    );
  });

  it('quotas that add up are not reported: CQO training 120 a year, analysis meetings 8, standards drafted 20', () => {
    expect(mismatches(target('cqo-training-enterprises-yearly'), 'COUNT')).toEqual([]);
    expect(rollup('quality-analysis-meetings-yearly').map((r) => r.districtSum)).toEqual([8, 8, 8]);
    expect(rollup('standards-drafted-yearly')).toEqual(
      [2017, 2018, 2019].map((year) => ({ year, districtSum: 20, districts: 5, cityFigure: 20, difference: 0 })),
    );
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
    ]);
  });
});
