/** Rules in words, as an officer would read them next to the clause: "100万 (WINNER), 30万 (NOMINATION)". */
import type { IncentiveDef, RuleDef, TierDef } from '../format/policy.js';
import { formatMoney } from '../format/money.js';

function tiers(list: TierDef[]): string {
  return list.map((t) => `${formatMoney(t.amount)} (${t.level ?? t.levels?.join('/')})`).join(', ');
}

export function describeRule(rule: RuleDef): string {
  switch (rule.kind) {
    case 'FIXED':
      return `a one-time ${formatMoney(rule.amount)}`;
    case 'TIERED':
      return `by level: ${tiers(rule.tiers)}`;
    case 'PER_UNIT':
      return `per ${rule.unit.toLowerCase().replace('_', ' ')}: ${rule.amount !== undefined ? formatMoney(rule.amount) : tiers(rule.tiers ?? [])}`;
    case 'FIRST_PLUS_INCREMENT':
      return `${formatMoney(rule.first)} for the first unit, ${formatMoney(rule.increment)} for each further unit`;
    case 'PERCENTAGE':
      return `${rule.percent}% of the ${rule.of === 'COST' ? 'cost paid' : 'project budget'}`;
    case 'MATCHING':
      return `${rule.ratio.numerator}:${rule.ratio.denominator} matching of the provincial grant`;
    case 'RANK':
      return [
        rule.base !== undefined ? `${formatMoney(rule.base)} when listed` : null,
        ...rule.bands.map(
          (b) => `${formatMoney(b.amount)}${rule.base !== undefined ? ' more' : ''} for rank ≤ ${b.upTo}`,
        ),
      ]
        .filter(Boolean)
        .join('; ');
    case 'CEILING':
      return `up to ${rule.max !== undefined ? formatMoney(rule.max) : tiers(rule.tiers ?? [])}`;
    case 'UNSPECIFIED':
      return `a reward with no sum set${rule.note ? ` (${rule.note})` : ''}`;
    case 'NON_MONETARY':
      return `a non-monetary benefit: ${rule.benefit}`;
  }
}

export function describeIncentive(incentive: Pick<IncentiveDef, 'rule' | 'cap'>): string {
  const cap = incentive.cap
    ? `; at most ${formatMoney(incentive.cap.amount)} per ${incentive.cap.per === 'ENTERPRISE' ? 'enterprise' : 'enterprise per year'}`
    : '';
  return describeRule(incentive.rule) + cap;
}
