/**
 * Report totals over many enterprises' entitlements, grouped by any of policy, jurisdiction, year,
 * incentive and payer. Streaming: add enterprises one at a time, read the rows at the end, so a
 * whole city never has to sit in memory at once.
 */
import { addToTotals, emptyTotals } from './evaluate.js';
import type { Entitlement, Fund, Payer, Totals } from './types.js';

export const groupDimensions = ['POLICY', 'JURISDICTION', 'YEAR', 'INCENTIVE', 'PAYER'] as const;
export type GroupDimension = (typeof groupDimensions)[number];

export interface EvaluatedEnterprise {
  enterpriseId: string;
  /** The enterprise's own jurisdiction code (its district). */
  jurisdiction: string;
  entitlements: Entitlement[];
}

export interface GroupTotals extends Totals {
  /** Null where the rows are not grouped by that dimension. */
  policyKey: string | null;
  incentiveKey: string | null;
  jurisdiction: string | null;
  year: number | null;
  payer: Payer | null;
  /** The province's own part beside counted rewards: never added to the city's money. */
  provincialPartYuan: number;
  /** Entitlements that counted (eligible and not superseded). */
  countedCount: number;
  /** Enterprises with at least one counted entitlement in the group. */
  enterpriseCount: number;
}

export type GroupKeyOf = Pick<GroupTotals, 'policyKey' | 'incentiveKey' | 'jurisdiction' | 'year' | 'payer'>;

/** The group an entitlement of an enterprise of `jurisdiction` falls in: null where not grouped by that dimension. */
export function groupKeyOf(by: ReadonlySet<GroupDimension>, e: Entitlement, jurisdiction: string): GroupKeyOf {
  return {
    policyKey: by.has('POLICY') || by.has('INCENTIVE') ? e.policyKey : null,
    incentiveKey: by.has('INCENTIVE') ? e.incentiveKey : null,
    jurisdiction: by.has('JURISDICTION') ? jurisdiction : null,
    year: by.has('YEAR') ? e.year : null,
    payer: by.has('PAYER') ? e.payer : null,
  };
}

/** A group with nothing counted in it yet. */
export const emptyGroup = (key: GroupKeyOf): GroupTotals => ({
  ...key,
  ...emptyTotals(),
  provincialPartYuan: 0,
  countedCount: 0,
  enterpriseCount: 0,
});

export class EntitlementAggregator {
  private readonly groups = new Map<string, GroupTotals & { enterprises: Set<string> }>();
  private readonly by: ReadonlySet<GroupDimension>;

  constructor(groupBy: readonly GroupDimension[]) {
    this.by = new Set(groupBy);
  }

  add(enterprise: EvaluatedEnterprise): void {
    for (const e of enterprise.entitlements) {
      const key = groupKeyOf(this.by, e, enterprise.jurisdiction);
      const id = JSON.stringify(key);
      let group = this.groups.get(id);
      if (!group) {
        group = { ...emptyGroup(key), enterprises: new Set() };
        this.groups.set(id, group);
      }
      if (!addToTotals(group, e)) continue;
      group.countedCount += 1;
      group.provincialPartYuan += e.provincialPartYuan ?? 0;
      group.enterprises.add(enterprise.enterpriseId);
    }
  }

  /** Groups with something to report, in a stable order (inOrder). */
  rows(): GroupTotals[] {
    return inOrder(
      [...this.groups.values()]
        .filter((g) => g.countedCount + g.needsInfoCount + g.conflictCount > 0) // ineligible only: nothing to report
        .map(({ enterprises, ...group }) => ({ ...group, enterpriseCount: enterprises.size })),
    );
  }
}

/** Groups in the order reports give them: by policy, incentive, jurisdiction, year, payer. */
export function inOrder<G extends GroupKeyOf>(groups: G[]): G[] {
  const order = (g: GroupKeyOf) =>
    [g.policyKey ?? '', g.incentiveKey ?? '', g.jurisdiction ?? '', String(g.year ?? ''), g.payer ?? ''].join('\u0000');
  return groups.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

export interface YearExposure {
  year: number;
  /** The fund available for the year (a yearly fund), or null for a fund over the whole period. */
  fundYuan: number | null;
  /** Counted exact amounts the fund pays (payer CITY, or not named: the policy's own fund). */
  exactYuan: number;
  /** Counted maxima (最高) the fund may have to pay. */
  upToYuan: number;
  unspecifiedCount: number;
  /** fundYuan − exactYuan; negative when the money owed exceeds the fund. */
  remainingYuan: number | null;
  /** Amounts other treasuries pay (受益财政, a county, the province): not drawn on this fund. */
  otherPayersExactYuan: number;
}

const paidByFund = (payer: Payer | null) => payer === null || payer === 'CITY';

/**
 * Money owed under one policy per year against its fund, from rows grouped by YEAR and PAYER; the
 * fund is the year's own (a policy's fund may change from a date: versions.ts fundOfYear).
 */
export function budgetExposure(
  fundOf: (year: number) => Fund | null,
  years: number[],
  rows: GroupTotals[],
): YearExposure[] {
  return years.map((year) => {
    const fund = fundOf(year);
    const ofYear = rows.filter((r) => r.year === year);
    const own = ofYear.filter((r) => paidByFund(r.payer));
    const sum = (list: GroupTotals[], pick: (r: GroupTotals) => number) => list.reduce((n, r) => n + pick(r), 0);
    const exactYuan = sum(own, (r) => r.exactYuan);
    const fundYuan = fund?.period === 'YEAR' ? fund.amountYuan : null;
    return {
      year,
      fundYuan,
      exactYuan,
      upToYuan: sum(own, (r) => r.upToYuan),
      unspecifiedCount: sum(own, (r) => r.unspecifiedCount),
      remainingYuan: fundYuan === null ? null : fundYuan - exactYuan,
      otherPayersExactYuan: sum(
        ofYear.filter((r) => !paidByFund(r.payer)),
        (r) => r.exactYuan,
      ),
    };
  });
}
