/**
 * One evaluator per rule kind of the policy vocabulary. Each is a pure function of the rule and
 * one achievement (plus, for first-plus-increment, the units the enterprise already claimed);
 * windows, scope, caps and stacking are applied around them in evaluate.ts.
 */
import type { RuleDef, TierDef } from '../../format/policy.js';
import { levelName, term, type Named } from '../message.js';
import type { AchievementInput, AmountNature, IneligibleReason, TraceStep } from './types.js';

export type RuleOutcome =
  | { kind: 'amount'; nature: AmountNature; amountYuan: number | null; steps: TraceStep[] }
  | { kind: 'missing'; fields: string[] }
  | { kind: 'ineligible'; reason: IneligibleReason; step: TraceStep };

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

/** The tier of the achievement's level; `use` gets its amount and the level it was found for. */
function byTier(
  tiers: TierDef[],
  achievement: AchievementInput,
  use: (amount: number, level: Named) => RuleOutcome,
): RuleOutcome {
  const level = achievement.level;
  if (!level) return { kind: 'missing', fields: ['level'] };
  const tier = tierFor(tiers, level);
  if (!tier) {
    return {
      kind: 'ineligible',
      reason: 'LEVEL_NOT_REWARDED',
      step: { code: 'RULE', values: { case: 'LEVEL_NOT_REWARDED', level: levelName(achievement.kind, level) } },
    };
  }
  return use(tier.amount, levelName(achievement.kind, level));
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
      return exact(rule.amount, [{ code: 'FIXED', values: { amountYuan: rule.amount }, after: rule.amount }]);

    case 'TIERED':
      return byTier(rule.tiers, achievement, (amount, level) =>
        exact(amount, [{ code: 'TIER', values: { level, amountYuan: amount }, after: amount }]),
      );

    case 'PER_UNIT': {
      const units = positiveUnits(achievement);
      if (units === null) return { kind: 'missing', fields: ['units'] };
      const perUnit = (amount: number, level: Named | null) => {
        const total = amount * units;
        const unit = term(`perUnit.${rule.unit}`);
        return exact(total, [
          { code: 'PER_UNIT', values: { level, units, unit, amountYuan: amount, totalYuan: total }, after: total },
        ]);
      };
      return rule.amount !== undefined ? perUnit(rule.amount, null) : byTier(rule.tiers ?? [], achievement, perUnit);
    }

    case 'FIRST_PLUS_INCREMENT': {
      const units = positiveUnits(achievement);
      if (units === null) return { kind: 'missing', fields: ['units'] };
      const first = context.priorUnits === 0 ? 1 : 0;
      const further = units - first;
      const total = first * rule.first + further * rule.increment;
      const values = { first, firstYuan: rule.first, further, incrementYuan: rule.increment, totalYuan: total };
      return exact(total, [{ code: 'FIRST_PLUS_INCREMENT', values, after: total }]);
    }

    case 'PERCENTAGE': {
      const field = rule.of === 'COST' ? 'costYuan' : 'budgetYuan';
      const base = achievement[field];
      if (base == null) return { kind: 'missing', fields: [field] };
      const amount = share(base, rule.percent, 100);
      const of = term(`percentOf.${rule.of}`);
      return exact(amount, [
        { code: 'PERCENTAGE', values: { percent: rule.percent, of, base, amount }, after: amount },
      ]);
    }

    case 'MATCHING': {
      const grant = achievement.provincialGrantYuan;
      if (grant == null) return { kind: 'missing', fields: ['provincialGrantYuan'] };
      const { numerator, denominator } = rule.ratio;
      // 1:1的配套资金: the city's part to the province's, so 1:1 matches the grant yuan for yuan.
      const amount = share(grant, numerator, denominator);
      return exact(amount, [{ code: 'MATCHING', values: { numerator, denominator, grant, amount }, after: amount }]);
    }

    case 'RANK': {
      if (achievement.rank == null) return { kind: 'missing', fields: ['rank'] };
      const rank = achievement.rank;
      const band = [...rule.bands].sort((a, b) => a.upTo - b.upTo).find((b) => rank <= b.upTo);
      if (!band && rule.base === undefined) {
        return {
          kind: 'ineligible',
          reason: 'RANK_NOT_REWARDED',
          step: { code: 'RULE', values: { case: 'RANK_NOT_REWARDED', rank } },
        };
      }
      const steps: TraceStep[] = [];
      let total = 0;
      if (rule.base !== undefined) {
        total += rule.base;
        steps.push({ code: 'RANK_BASE', values: { baseYuan: rule.base }, after: total });
      }
      if (band) {
        const before = total;
        total += band.amount;
        steps.push({
          code: 'RANK_BAND',
          values: { rank, upTo: band.upTo, added: rule.base !== undefined, bandYuan: band.amount },
          before,
          after: total,
        });
      }
      return exact(total, steps);
    }

    case 'CEILING': {
      const upTo = (max: number, level: Named | null): RuleOutcome => ({
        kind: 'amount',
        nature: 'UP_TO',
        amountYuan: max,
        steps: [{ code: 'CEILING', values: { level, maxYuan: max }, after: max }],
      });
      return rule.max !== undefined ? upTo(rule.max, null) : byTier(rule.tiers ?? [], achievement, upTo);
    }

    case 'UNSPECIFIED':
      return {
        kind: 'amount',
        nature: 'UNSPECIFIED',
        amountYuan: null,
        steps: [{ code: 'UNSPECIFIED', values: { note: rule.note || null } }],
      };

    case 'NON_MONETARY':
      return {
        kind: 'amount',
        nature: 'NON_MONETARY',
        amountYuan: null,
        steps: [{ code: 'NON_MONETARY', values: { benefit: rule.benefit } }],
      };
  }
}
