/**
 * One evaluator per rule kind of the policy vocabulary. Each is a pure function of the rule and
 * one achievement (plus, for first-plus-increment, the units the enterprise already claimed);
 * windows, scope, caps and stacking are applied around them in evaluate.ts.
 */
import type { RuleDef, TierDef } from '../../format/policy.js';
import { formatMoney } from '../../format/money.js';
import type { AchievementInput, AmountNature, IneligibleReason, TraceStep } from './types.js';

export type RuleOutcome =
  | { kind: 'amount'; nature: AmountNature; amountYuan: number | null; steps: TraceStep[] }
  | { kind: 'missing'; fields: string[] }
  | { kind: 'ineligible'; reason: IneligibleReason; text: string };

export interface RuleContext {
  /** Units of this incentive the enterprise obtained before this achievement. */
  priorUnits: number;
}

const exact = (amountYuan: number, steps: TraceStep[]): RuleOutcome => ({
  kind: 'amount',
  nature: 'EXACT',
  amountYuan,
  steps,
});

export function tierFor(tiers: TierDef[], level: string | null | undefined): TierDef | undefined {
  return tiers.find((t) => t.level === level || t.levels?.includes(level ?? ''));
}

function byTier(
  tiers: TierDef[],
  achievement: AchievementInput,
  use: (amount: number, tierText: string) => RuleOutcome,
): RuleOutcome {
  if (!achievement.level) return { kind: 'missing', fields: ['level'] };
  const tier = tierFor(tiers, achievement.level);
  if (!tier) {
    return {
      kind: 'ineligible',
      reason: 'LEVEL_NOT_REWARDED',
      text: `level ${achievement.level} is not among the tiers of this clause`,
    };
  }
  return use(tier.amount, `level ${achievement.level}: ${formatMoney(tier.amount)}`);
}

function positiveUnits(achievement: AchievementInput): number | null {
  return achievement.units != null && achievement.units > 0 ? achievement.units : null;
}

/** Whole yuan, rounded down: a share never pays more than the document promises. */
function share(base: number, numerator: number, denominator: number): number {
  return Math.floor((base * numerator) / denominator);
}

export function evaluateRule(rule: RuleDef, achievement: AchievementInput, context: RuleContext): RuleOutcome {
  switch (rule.kind) {
    case 'FIXED':
      return exact(rule.amount, [{ code: 'FIXED', text: `one-time ${formatMoney(rule.amount)}`, after: rule.amount }]);

    case 'TIERED':
      return byTier(rule.tiers, achievement, (amount, text) => exact(amount, [{ code: 'TIER', text, after: amount }]));

    case 'PER_UNIT': {
      const units = positiveUnits(achievement);
      if (units === null) return { kind: 'missing', fields: ['units'] };
      const perUnit = (amount: number, prefix: string) => {
        const total = amount * units;
        return exact(total, [
          {
            code: 'PER_UNIT',
            text: `${prefix}${units} ${rule.unit.toLowerCase()} × ${formatMoney(amount)} = ${formatMoney(total)}`,
            after: total,
          },
        ]);
      };
      return rule.amount !== undefined
        ? perUnit(rule.amount, '')
        : byTier(rule.tiers ?? [], achievement, (amount, text) => perUnit(amount, `${text}; `));
    }

    case 'FIRST_PLUS_INCREMENT': {
      const units = positiveUnits(achievement);
      if (units === null) return { kind: 'missing', fields: ['units'] };
      const first = context.priorUnits === 0 ? 1 : 0;
      const further = units - first;
      const total = first * rule.first + further * rule.increment;
      const parts = [
        first ? `first unit ${formatMoney(rule.first)}` : null,
        further ? `${further} further unit(s) × ${formatMoney(rule.increment)}` : null,
      ].filter(Boolean);
      return exact(total, [
        { code: 'FIRST_PLUS_INCREMENT', text: `${parts.join(' + ')} = ${formatMoney(total)}`, after: total },
      ]);
    }

    case 'PERCENTAGE': {
      const field = rule.of === 'COST' ? 'costYuan' : 'budgetYuan';
      const base = achievement[field];
      if (base == null) return { kind: 'missing', fields: [field] };
      const amount = share(base, rule.percent, 100);
      const what = rule.of === 'COST' ? 'cost paid' : 'project budget';
      return exact(amount, [
        { code: 'PERCENTAGE', text: `${rule.percent}% of ${what} ${base}元 = ${amount}元`, after: amount },
      ]);
    }

    case 'MATCHING': {
      const grant = achievement.provincialGrantYuan;
      if (grant == null) return { kind: 'missing', fields: ['provincialGrantYuan'] };
      const { numerator, denominator } = rule.ratio;
      // 1:1的配套资金: the city's part to the province's, so 1:1 matches the grant yuan for yuan.
      const amount = share(grant, numerator, denominator);
      return exact(amount, [
        {
          code: 'MATCHING',
          text: `${numerator}:${denominator} matching of the provincial grant ${grant}元 = ${amount}元`,
          after: amount,
        },
      ]);
    }

    case 'RANK': {
      if (achievement.rank == null) return { kind: 'missing', fields: ['rank'] };
      const rank = achievement.rank;
      const band = [...rule.bands].sort((a, b) => a.upTo - b.upTo).find((b) => rank <= b.upTo);
      if (!band && rule.base === undefined) {
        return { kind: 'ineligible', reason: 'RANK_NOT_REWARDED', text: `rank ${rank} is outside every rewarded band` };
      }
      const steps: TraceStep[] = [];
      let total = 0;
      if (rule.base !== undefined) {
        total += rule.base;
        steps.push({ code: 'RANK_BASE', text: `listed: ${formatMoney(rule.base)}`, after: total });
      }
      if (band) {
        const before = total;
        total += band.amount;
        steps.push({
          code: 'RANK_BAND',
          text: `rank ${rank} ≤ ${band.upTo}: ${rule.base !== undefined ? '+' : ''}${formatMoney(band.amount)}`,
          before,
          after: total,
        });
      }
      return exact(total, steps);
    }

    case 'CEILING': {
      const upTo = (max: number, text: string): RuleOutcome => ({
        kind: 'amount',
        nature: 'UP_TO',
        amountYuan: max,
        steps: [
          { code: 'CEILING', text: `${text}: up to ${formatMoney(max)}; the sum is decided case by case`, after: max },
        ],
      });
      return rule.max !== undefined ? upTo(rule.max, 'ceiling') : byTier(rule.tiers ?? [], achievement, upTo);
    }

    case 'UNSPECIFIED':
      return {
        kind: 'amount',
        nature: 'UNSPECIFIED',
        amountYuan: null,
        steps: [{ code: 'UNSPECIFIED', text: `a reward is promised with no sum${rule.note ? `: ${rule.note}` : ''}` }],
      };

    case 'NON_MONETARY':
      return {
        kind: 'amount',
        nature: 'NON_MONETARY',
        amountYuan: null,
        steps: [{ code: 'NON_MONETARY', text: rule.benefit }],
      };
  }
}
