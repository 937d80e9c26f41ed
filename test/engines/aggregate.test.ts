/** Report totals and budget exposure over evaluated enterprises, without GraphQL or a database. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { budgetExposure, EntitlementAggregator } from '../../src/engines/entitlement/aggregate.js';
import { totalsOf } from '../../src/engines/entitlement/evaluate.js';
import type { Entitlement } from '../../src/engines/entitlement/types.js';

const entitlement = (patch: Partial<Entitlement>): Entitlement => ({
  policyKey: 'taizhou-2017-quality',
  incentiveKey: 'china-quality-award',
  clausePath: '二/(四)',
  clauseText: '…',
  quote: '…',
  achievementId: '1',
  year: 2018,
  eligibility: 'ELIGIBLE',
  missing: [],
  nature: 'EXACT',
  amountYuan: 1_000_000,
  payer: null,
  provincialPartYuan: null,
  disposition: 'COUNTED',
  steps: [],
  ...patch,
});

describe('entitlement totals by group', () => {
  it("keeps exact sums, maxima, the province's part and unspecified rewards apart, and counts enterprises once", () => {
    const aggregator = new EntitlementAggregator(['JURISDICTION']);
    aggregator.add({
      enterpriseId: 'e1',
      jurisdiction: 'zj-taizhou-jiaojiang',
      entitlements: [
        entitlement({}),
        entitlement({ incentiveKey: 'ceiling', nature: 'UP_TO', amountYuan: 500_000 }),
        entitlement({ incentiveKey: 'standard', amountYuan: 30_000, provincialPartYuan: 30_000 }),
        entitlement({ incentiveKey: 'vague', nature: 'UNSPECIFIED', amountYuan: null }),
        entitlement({ incentiveKey: 'lost', disposition: 'SUPERSEDED', amountYuan: 300_000 }),
      ],
    });
    aggregator.add({
      enterpriseId: 'e2',
      jurisdiction: 'zj-taizhou-linhai',
      entitlements: [entitlement({ eligibility: 'INELIGIBLE', reason: 'OUT_OF_SCOPE', amountYuan: null })],
    });
    expect(aggregator.rows()).toEqual([
      expect.objectContaining({
        jurisdiction: 'zj-taizhou-jiaojiang',
        exactYuan: 1_030_000,
        upToYuan: 500_000,
        provincialPartYuan: 30_000,
        unspecifiedCount: 1,
        countedCount: 4,
        enterpriseCount: 1,
      }),
    ]);
  });

  it('adds up to the per-enterprise totals whatever the grouping', () => {
    const arb = fc.array(
      fc.record({
        jurisdiction: fc.constantFrom('a', 'b', 'c'),
        entitlements: fc.array(
          fc.record({
            year: fc.constantFrom(2017, 2018, 2019),
            amountYuan: fc.integer({ min: 0, max: 5_000_000 }),
            nature: fc.constantFrom('EXACT' as const, 'UP_TO' as const),
            payer: fc.constantFrom(null, 'CITY' as const, 'COUNTY' as const),
          }),
          { maxLength: 5 },
        ),
      }),
      { maxLength: 20 },
    );
    fc.assert(
      fc.property(
        arb,
        fc.subarray(['POLICY', 'JURISDICTION', 'YEAR', 'INCENTIVE', 'PAYER'] as const),
        (population, groupBy) => {
          const aggregator = new EntitlementAggregator(groupBy);
          const all: Entitlement[] = [];
          population.forEach((p, i) => {
            const list = p.entitlements.map((e) => entitlement(e));
            all.push(...list);
            aggregator.add({ enterpriseId: String(i), jurisdiction: p.jurisdiction, entitlements: list });
          });
          const rows = aggregator.rows();
          const expected = totalsOf(all);
          expect(rows.reduce((n, r) => n + r.exactYuan, 0)).toBe(expected.exactYuan);
          expect(rows.reduce((n, r) => n + r.upToYuan, 0)).toBe(expected.upToYuan);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('budget exposure against a fund', () => {
  it("charges the city's fund with its own and unnamed payers only, year by year", () => {
    const aggregator = new EntitlementAggregator(['YEAR', 'PAYER']);
    aggregator.add({
      enterpriseId: 'e1',
      jurisdiction: 'x',
      entitlements: [
        entitlement({ year: 2018, amountYuan: 15_000_000 }),
        entitlement({ year: 2018, amountYuan: 6_000_000, payer: 'CITY' }),
        entitlement({ year: 2018, amountYuan: 1_000_000, payer: 'BENEFICIARY' }),
        entitlement({ year: 2019, nature: 'UP_TO', amountYuan: 1_000_000 }),
      ],
    });
    const years = budgetExposure(() => ({ amountYuan: 20_000_000, period: 'YEAR' }), [2018, 2019], aggregator.rows());
    expect(years).toEqual([
      {
        year: 2018,
        fundYuan: 20_000_000,
        exactYuan: 21_000_000,
        upToYuan: 0,
        unspecifiedCount: 0,
        remainingYuan: -1_000_000,
        otherPayersExactYuan: 1_000_000,
      },
      {
        year: 2019,
        fundYuan: 20_000_000,
        exactYuan: 0,
        upToYuan: 1_000_000,
        unspecifiedCount: 0,
        remainingYuan: 20_000_000,
        otherPayersExactYuan: 0,
      },
    ]);
    expect(budgetExposure(() => null, [2018], aggregator.rows())[0]).toMatchObject({
      fundYuan: null,
      remainingYuan: null,
    });
  });
});
