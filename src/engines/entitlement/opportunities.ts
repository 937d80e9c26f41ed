/**
 * What an enterprise could still obtain under the policies that cover it (政策匹配). Each opportunity
 * is one more achievement, valued by the engine itself: the enterprise's totals with it minus its
 * totals without it, so caps already used, 按最优一项执行 and a tier already held shape the figure
 * through the same rules that pay, never a second reading of them.
 */
import { addMonths, daysBetween } from '../../dates/index.js';
import { evaluateEnterprise, isCovered, mayCover, projectOf, totalsOf } from './evaluate.js';
import { tierFor } from './rules.js';
import { incentiveTermsAt, policyTermsAt } from './versions.js';
import type {
  AchievementInput,
  Citation,
  Entitlement,
  EnterpriseInput,
  IncentiveInput,
  IncentiveTerms,
  PolicyInput,
  Totals,
} from './types.js';

/** The id of the achievement an opportunity adds, in its entitlements. */
export const OPPORTUNITY_ID = 'opportunity';

export interface OpportunityFilter {
  /** Only achievements of these kinds. */
  kinds?: readonly string[] | null;
  /** Only achievements of these levels. */
  levels?: readonly string[] | null;
}

/** How the enterprise's totals change when the achievement is added. */
export type Gain = Pick<Totals, 'exactYuan' | 'upToYuan' | 'unspecifiedCount' | 'nonMonetaryCount'>;

export interface Opportunity {
  policyKey: string;
  incentiveKey: string;
  /** The achievement to add, obtained on the day asked, with the facts its sentence requires attested. */
  achievement: AchievementInput;
  /** For a tier above one held: the achievement it upgrades, whose project it joins. */
  upgrades: string | null;
  /** The day it pays: the day asked, or once a duration the sentence sets (满一年) has passed. */
  payableOn: string;
  gain: Gain;
  /** For a rule counted per unit: what one unit more than this would add (0 once a cap is reached). */
  furtherUnitYuan: number | null;
  /** What the added achievement earns, its own incentive's entitlement first. */
  entitlements: Entitlement[];
  /** The policy's window in force on the day asked; daysLeft counts to its last day, null while open-ended. */
  window: { from: string; until: string | null; daysLeft: number | null };
  /** The version of the incentive in force on the day asked: since when, and the clauses that made it. */
  version: { from: string; madeBy: Citation[] };
}

const UNIT_RULES: ReadonlySet<string> = new Set(['PER_UNIT', 'FIRST_PLUS_INCREMENT']);

function tiersOf(terms: IncentiveTerms) {
  const { rule } = terms;
  return 'tiers' in rule && rule.tiers ? rule.tiers : [];
}

/** The levels the terms reward, in the document's order; [null] for a rule that names none. */
function rewardedLevels(terms: IncentiveTerms): Array<string | null> {
  const named = tiersOf(terms).flatMap((t) => (t.level ? [t.level] : (t.levels ?? [])));
  const levels = named.length ? named.filter((l) => !terms.levels.length || terms.levels.includes(l)) : terms.levels;
  return levels.length ? levels : [null];
}

const gainOf = (after: Totals, before: Totals): Gain => ({
  exactYuan: after.exactYuan - before.exactYuan,
  upToYuan: after.upToYuan - before.upToYuan,
  unspecifiedCount: after.unspecifiedCount - before.unspecifiedCount,
  nonMonetaryCount: after.nonMonetaryCount - before.nonMonetaryCount,
});

interface Candidate {
  achievement: AchievementInput;
  upgrades: string | null;
}

/**
 * The achievements worth trying for one incentive: each rewarded level not yet obtained; one more
 * unit of a per-unit rule (it can be obtained again); a rank in each band; and, once a tier is held,
 * each tier above it as the same project (so 按最优一项执行 leaves only the difference), or each stage
 * not yet reached of a staged one.
 */
function candidatesFor(
  incentive: IncentiveInput,
  terms: IncentiveTerms,
  held: AchievementInput[],
  asOf: string,
): Candidate[] {
  const facts = Object.fromEntries(
    terms.conditions.flatMap((c) => (c.kind === 'ATTESTED' ? [[c.fact, true] as const] : [])),
  );
  const make = (level: string | null, extra: Partial<AchievementInput> = {}): AchievementInput => ({
    id: OPPORTUNITY_ID,
    kind: incentive.achievementKind,
    level,
    obtainedOn: asOf,
    units: UNIT_RULES.has(terms.rule.kind) ? 1 : null,
    facts,
    ...extra,
  });
  const levels = rewardedLevels(terms);
  if (UNIT_RULES.has(terms.rule.kind)) return levels.map((level) => ({ achievement: make(level), upgrades: null }));
  if (held.length === 0) {
    const { rule } = terms;
    if (rule.kind === 'RANK')
      return [...rule.bands]
        .sort((a, b) => a.upTo - b.upTo)
        .map((band) => ({ achievement: make(null, { rank: band.upTo }), upgrades: null }));
    return levels.map((level) => ({ achievement: make(level), upgrades: null }));
  }
  const tiers = tiersOf(terms);
  const worth = (level: string | null | undefined) => tierFor(tiers, level)?.amount ?? 0;
  const best = held.reduce((a, b) => (worth(b.level) > worth(a.level) ? b : a));
  // Stages (批准筹建, 建成: 一次性各给予) are paid once each: a stage not yet reached is the project's next.
  const ahead = incentive.stageByLevel
    ? (level: string | null) => !held.some((a) => a.level === level)
    : (level: string | null) => worth(level) > worth(best.level);
  return levels
    .filter(ahead)
    .map((level) => ({ achievement: make(level, { projectKey: projectOf(best) }), upgrades: best.id }));
}

const matchesFilter = (a: AchievementInput, filter: OpportunityFilter) =>
  (!filter.kinds?.length || filter.kinds.includes(a.kind)) &&
  (!filter.levels?.length || (a.level != null && filter.levels.includes(a.level)));

/**
 * Every opportunity of an enterprise as of a day, largest gain first (money owed, then maxima; ties
 * keep the policies' and incentives' order). Windows closed or not yet open on the day, policies that
 * do not cover the enterprise, withdrawn incentives and other recipients are left out, and so is an
 * achievement the rules would refuse (a 首个 already had); one worth nothing because a cap is used up
 * or a better reward of its project stands is kept, at 0.
 */
export function findOpportunities(
  policies: PolicyInput[],
  enterprise: EnterpriseInput,
  achievements: AchievementInput[],
  asOf: string,
  filter: OpportunityFilter = {},
): Opportunity[] {
  // Only policies that may cover the enterprise and reward the added kind can change: the others are not evaluated.
  const rewarding = (kind: string) =>
    policies.filter((p) => mayCover(p, enterprise) && p.incentives.some((i) => i.achievementKind === kind));
  const baselines = new Map<string, Entitlement[]>();
  const baseline = (kind: string, day: string) => {
    let found = baselines.get(`${kind}|${day}`);
    if (!found)
      baselines.set(`${kind}|${day}`, (found = evaluateEnterprise(rewarding(kind), enterprise, achievements, day)));
    return found;
  };
  const withAdded = (added: AchievementInput, day: string) =>
    evaluateEnterprise(rewarding(added.kind), enterprise, [...achievements, added], day);
  const found: Opportunity[] = [];
  for (const policy of policies) {
    const { terms: policyTerms, version: policyVersion } = policyTermsAt(policy, asOf);
    const until = policyTerms.effectiveUntil ?? null;
    if (asOf < policy.effectiveFrom || (until && asOf > until) || policyVersion?.withdrawn) continue;
    if (!isCovered({ ...policy, ...policyTerms }, enterprise)) continue;
    const tried = new Set<string>();
    for (const incentive of policy.incentives) {
      const { terms, version } = incentiveTermsAt(incentive, asOf);
      if (version?.withdrawn || !terms.recipients.includes(enterprise.kind)) continue;
      const held = baseline(incentive.achievementKind, asOf)
        .filter((e) => e.policyKey === policy.key && e.incentiveKey === incentive.key && e.eligibility === 'ELIGIBLE')
        .map((e) => achievements.find((a) => a.id === e.achievementId)!);
      for (const { achievement, upgrades } of candidatesFor(incentive, terms, held, asOf)) {
        const key = JSON.stringify(achievement);
        if (!matchesFilter(achievement, filter) || tried.has(key)) continue;
        tried.add(key);
        const months = terms.conditions.map((c) => (c.kind === 'HELD_FOR' ? c.months : 0));
        const payableOn = addMonths(asOf, Math.max(0, ...months));
        const after = withAdded(achievement, payableOn);
        const earned = after.filter((e) => e.achievementId === OPPORTUNITY_ID);
        const own = earned.find((e) => e.policyKey === policy.key && e.incentiveKey === incentive.key);
        if (!own || (own.eligibility === 'INELIGIBLE' && own.reason !== 'CAP_EXHAUSTED')) continue;
        const gain = gainOf(totalsOf(after), totalsOf(baseline(achievement.kind, payableOn)));
        const furtherUnitYuan =
          achievement.units == null
            ? null
            : totalsOf(withAdded({ ...achievement, units: achievement.units + 1 }, payableOn)).exactYuan -
              totalsOf(after).exactYuan;
        found.push({
          policyKey: policy.key,
          incentiveKey: incentive.key,
          achievement,
          upgrades,
          payableOn,
          gain,
          furtherUnitYuan,
          entitlements: [own, ...earned.filter((e) => e !== own)],
          window: { from: policy.effectiveFrom, until, daysLeft: until ? daysBetween(asOf, until) : null },
          version: {
            from: version?.from ?? policy.effectiveFrom,
            madeBy: version?.madeBy ?? [
              { policyKey: policy.key, clausePath: incentive.clausePath, quote: incentive.quote },
            ],
          },
        });
      }
    }
  }
  return found.sort((a, b) => b.gain.exactYuan - a.gain.exactYuan || b.gain.upToYuan - a.gain.upToYuan);
}
