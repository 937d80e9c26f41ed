/**
 * A reform's impact over a population (PolicyEngine's baseline beside reform): each enterprise's
 * entitlements under the policies as served and as reformed, added one enterprise at a time. Totals
 * by group for both, the enterprises that gain, lose or change disposition in each group, the fund's
 * year by year, and the largest changes. Streaming, as EntitlementAggregator is.
 */
import {
  budgetExposure,
  emptyGroup,
  EntitlementAggregator,
  groupKeyOf,
  inOrder,
  type GroupDimension,
  type GroupKeyOf,
  type GroupTotals,
  type YearExposure,
} from './aggregate.js';
import { totalsOf } from './evaluate.js';
import type { Entitlement, Fund } from './types.js';

export interface ImpactGroup extends GroupKeyOf {
  baseline: GroupTotals;
  reform: GroupTotals;
  /** Money owed under the reform less under the baseline (counted EXACT sums), integer yuan. */
  deltaYuan: number;
  /** Enterprises owed more in the group under the reform; fewer; with an entitlement whose eligibility or disposition differs. */
  gainedCount: number;
  lostCount: number;
  changedDispositionCount: number;
}

export interface ImpactYear {
  year: number;
  baseline: YearExposure;
  reform: YearExposure;
}

export interface ImpactChange {
  enterpriseId: string;
  jurisdiction: string;
  baselineYuan: number;
  reformYuan: number;
  deltaYuan: number;
  /** Its entitlements whose eligibility or disposition the reform changes (or that only one side has). */
  dispositionChanges: number;
}

export interface Impact {
  groups: ImpactGroup[];
  years: ImpactYear[];
  total: Omit<ImpactGroup, keyof GroupKeyOf | 'baseline' | 'reform'> & { baselineYuan: number; reformYuan: number };
  largestChanges: ImpactChange[];
  /** Enterprises evaluated. */
  enterpriseCount: number;
}

/** Money owed: the counted exact sums, as the reports' totals count them. */
const owed = (list: Entitlement[]) => totalsOf(list).exactYuan;
/** Each entitlement's standing (eligibility, disposition, nature) by incentive and achievement. */
const standings = (list: Entitlement[]) =>
  new Map(
    list.map((e) => [`${e.incentiveKey}\u0000${e.achievementId}`, `${e.eligibility}/${e.disposition}/${e.nature}`]),
  );

/** Per group, one enterprise's money owed and the standings of its entitlements, on one side. */
function sidesOf(by: ReadonlySet<GroupDimension>, entitlements: Entitlement[], jurisdiction: string) {
  const groups = new Map<string, Entitlement[]>();
  for (const e of entitlements) {
    const id = JSON.stringify(groupKeyOf(by, e, jurisdiction));
    groups.set(id, [...(groups.get(id) ?? []), e]);
  }
  return new Map([...groups].map(([id, list]) => [id, { yuan: owed(list), standing: standings(list) }]));
}

const differences = (a: Map<string, string> | undefined, b: Map<string, string> | undefined) => {
  const keys = new Set([...(a?.keys() ?? []), ...(b?.keys() ?? [])]);
  return [...keys].filter((k) => a?.get(k) !== b?.get(k)).length;
};

export class ImpactAggregator {
  private readonly by: ReadonlySet<GroupDimension>;
  private readonly baseline: EntitlementAggregator;
  private readonly reform: EntitlementAggregator;
  private readonly baselineFund = new EntitlementAggregator(['YEAR', 'PAYER']);
  private readonly reformFund = new EntitlementAggregator(['YEAR', 'PAYER']);
  private readonly counts = new Map<string, { gained: number; lost: number; changed: number }>();
  private readonly total = { gained: 0, lost: 0, changed: 0, baselineYuan: 0, reformYuan: 0 };
  private largest: ImpactChange[] = [];
  private enterprises = 0;

  constructor(
    groupBy: readonly GroupDimension[],
    private readonly largestCount = 20,
  ) {
    this.by = new Set(groupBy);
    this.baseline = new EntitlementAggregator(groupBy);
    this.reform = new EntitlementAggregator(groupBy);
  }

  add(enterpriseId: string, jurisdiction: string, baseline: Entitlement[], reform: Entitlement[]): void {
    this.enterprises += 1;
    for (const [aggregator, entitlements] of [
      [this.baseline, baseline],
      [this.reform, reform],
      [this.baselineFund, baseline],
      [this.reformFund, reform],
    ] as const)
      aggregator.add({ enterpriseId, jurisdiction, entitlements });
    const [before, after] = [sidesOf(this.by, baseline, jurisdiction), sidesOf(this.by, reform, jurisdiction)];
    for (const id of new Set([...before.keys(), ...after.keys()])) {
      const [b, a] = [before.get(id), after.get(id)];
      let counts = this.counts.get(id);
      if (!counts) this.counts.set(id, (counts = { gained: 0, lost: 0, changed: 0 }));
      const delta = (a?.yuan ?? 0) - (b?.yuan ?? 0);
      if (delta > 0) counts.gained += 1;
      if (delta < 0) counts.lost += 1;
      if (differences(b?.standing, a?.standing)) counts.changed += 1;
    }
    const change: ImpactChange = {
      enterpriseId,
      jurisdiction,
      baselineYuan: owed(baseline),
      reformYuan: owed(reform),
      deltaYuan: 0,
      dispositionChanges: differences(standings(baseline), standings(reform)),
    };
    change.deltaYuan = change.reformYuan - change.baselineYuan;
    this.total.baselineYuan += change.baselineYuan;
    this.total.reformYuan += change.reformYuan;
    if (change.deltaYuan > 0) this.total.gained += 1;
    if (change.deltaYuan < 0) this.total.lost += 1;
    if (change.dispositionChanges) this.total.changed += 1;
    if (change.deltaYuan !== 0 || change.dispositionChanges) this.keepLargest(change);
  }

  /** The largest changes by size, then by disposition changes, then by id: kept sorted, at most largestCount. */
  private keepLargest(change: ImpactChange) {
    const order = (a: ImpactChange, b: ImpactChange) =>
      Math.abs(b.deltaYuan) - Math.abs(a.deltaYuan) ||
      b.dispositionChanges - a.dispositionChanges ||
      a.enterpriseId.localeCompare(b.enterpriseId, 'en', { numeric: true });
    const last = this.largest.at(-1);
    if (this.largest.length >= this.largestCount && last && order(change, last) >= 0) return;
    this.largest = [...this.largest, change].sort(order).slice(0, this.largestCount);
  }

  /** The result; `years` are the fund's years, each fund as the baseline and the reform set it. */
  result(
    years: number[],
    fundOf: { baseline: (year: number) => Fund | null; reform: (year: number) => Fund | null },
  ): Impact {
    const keyOf = (g: GroupKeyOf): GroupKeyOf => ({
      policyKey: g.policyKey,
      incentiveKey: g.incentiveKey,
      jurisdiction: g.jurisdiction,
      year: g.year,
      payer: g.payer,
    });
    // The same text as sidesOf's group ids: groupKeyOf's fields in its order.
    const id = (g: GroupKeyOf) => JSON.stringify(keyOf(g));
    const baseline = new Map(this.baseline.rows().map((g) => [id(g), g]));
    const reform = new Map(this.reform.rows().map((g) => [id(g), g]));
    const groups = [...new Set([...baseline.keys(), ...reform.keys()])].map((key): ImpactGroup => {
      const [b, r] = [baseline.get(key), reform.get(key)];
      const counts = this.counts.get(key) ?? { gained: 0, lost: 0, changed: 0 };
      const keyOnly = keyOf((b ?? r)!);
      return {
        ...keyOnly,
        baseline: b ?? emptyGroup(keyOnly),
        reform: r ?? emptyGroup(keyOnly),
        deltaYuan: (r?.exactYuan ?? 0) - (b?.exactYuan ?? 0),
        gainedCount: counts.gained,
        lostCount: counts.lost,
        changedDispositionCount: counts.changed,
      };
    });
    const [before, after] = [
      budgetExposure(fundOf.baseline, years, this.baselineFund.rows()),
      budgetExposure(fundOf.reform, years, this.reformFund.rows()),
    ];
    return {
      groups: inOrder(groups),
      years: years.map((year, i) => ({ year, baseline: before[i]!, reform: after[i]! })),
      total: {
        baselineYuan: this.total.baselineYuan,
        reformYuan: this.total.reformYuan,
        deltaYuan: this.total.reformYuan - this.total.baselineYuan,
        gainedCount: this.total.gained,
        lostCount: this.total.lost,
        changedDispositionCount: this.total.changed,
      },
      largestChanges: this.largest,
      enterpriseCount: this.enterprises,
    };
  }
}
