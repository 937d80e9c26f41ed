/**
 * The questions that matter for a NEEDS_INFO answer (publicodes' missing variables): each input an
 * entitlement names as missing, ranked by how much the total can change with its answer, the spread
 * of the total (max − min) over the values the answer can take.
 */
import { evaluateEnterprise, mayCover, totalsOf } from './evaluate.js';
import { allTerms } from './versions.js';
import type { QuestionDef } from '../../format/policy.js';
import type { AchievementInput, Entitlement, EnterpriseInput, PolicyInput, Totals } from './types.js';

/** The values an answer can take: the vocabulary's levels of a kind, and the bounds inputs accept. */
export interface AnswerDomain {
  levelsOf: (kind: string) => readonly string[];
  /** The largest amount in yuan an input accepts (costs, budgets, grants from 0 to it). */
  maxYuan: number;
  /** The largest count an input accepts (units and ranks from 1 to it). */
  maxCount: number;
}

export interface Question {
  achievementId: string;
  /** The input as entitlements name it in `missing`: facts.ACCEPTANCE_PASSED, level, units, costYuan … */
  field: string;
  /** The policy data's question (Chinese and English), from the first incentive that asks it; null where none is written. */
  text: Pick<QuestionDef, 'question' | 'questionEn'> | null;
  /** The NEEDS_INFO entitlements it decides. */
  decides: Entitlement[];
  /** The total of money owed (exact yuan) at the least and the most favourable answer. */
  minTotalYuan: number;
  maxTotalYuan: number;
  spreadYuan: number;
  /** The same spread of counted maxima (最高): a ceiling's level, for instance. */
  upToSpreadYuan: number;
}

type Answer = Partial<AchievementInput>;

/** Every answer worth trying: the total is monotone between the bounds, so bounds and rank bands suffice. */
function answersFor(field: string, achievement: AchievementInput, policies: PolicyInput[], domain: AnswerDomain) {
  if (field.startsWith('facts.')) {
    const fact = field.slice('facts.'.length);
    return [true, false].map((v): Answer => ({ facts: { ...achievement.facts, [fact]: v } }));
  }
  switch (field) {
    case 'level':
      return domain.levelsOf(achievement.kind).map((level): Answer => ({ level }));
    case 'units':
      return [1, domain.maxCount].map((units): Answer => ({ units }));
    case 'rank': {
      const bands = policies.flatMap((p) =>
        p.incentives
          .filter((i) => i.achievementKind === achievement.kind)
          .flatMap((i) => allTerms(i).flatMap((t) => (t.rule.kind === 'RANK' ? t.rule.bands : []))),
      );
      const ranks = [1, domain.maxCount, ...bands.flatMap((b) => [b.upTo, b.upTo + 1])];
      return [...new Set(ranks.filter((r) => r <= domain.maxCount))].map((rank): Answer => ({ rank }));
    }
    case 'costYuan':
    case 'budgetYuan':
    case 'provincialGrantYuan':
      return [0, domain.maxYuan].map((yuan): Answer => ({ [field]: yuan }));
    default:
      // obtainedOn: every path that records or simulates an achievement requires its day.
      return [];
  }
}

/** The question the policy data writes next to the condition or rule that finds `field` missing. */
function textOf(entitlement: Entitlement, field: string, policies: PolicyInput[]): Question['text'] {
  const incentive = policies
    .find((p) => p.key === entitlement.policyKey)
    ?.incentives.find((i) => i.key === entitlement.incentiveKey);
  if (!incentive) return null;
  if (field.startsWith('facts.')) {
    const fact = field.slice('facts.'.length);
    for (const terms of allTerms(incentive))
      for (const c of terms.conditions)
        if (c.kind === 'ATTESTED' && c.fact === fact && c.question && c.questionEn)
          return { question: c.question, questionEn: c.questionEn };
    return null;
  }
  return incentive.questions?.find((q) => q.field === field) ?? null;
}

const better = (a: Totals, b: Totals) => a.exactYuan - b.exactYuan || a.upToYuan - b.upToYuan;

/**
 * The questions of an answer, largest spread first (then of maxima; ties in the order the entitlements
 * name them). A question's spread is max − min of the total over its answers, each answer's total
 * taken with the inputs still missing after it answered most favourably (one at a time, each at its
 * best value), so a fact that gates a reward whose level is not known yet is worth that reward, not 0.
 * `counts` keeps the entitlements the answer's total is of (one achievement's, say).
 */
export function rankQuestions(
  policies: PolicyInput[],
  enterprise: EnterpriseInput,
  achievements: AchievementInput[],
  asOf: string,
  domain: AnswerDomain,
  counts: (e: Entitlement) => boolean = () => true,
): Question[] {
  // A policy that never covers the enterprise answers only OUT_OF_SCOPE, whatever the answers.
  const covering = policies.filter((p) => mayCover(p, enterprise));
  const evaluate = (set: AchievementInput[]) => evaluateEnterprise(covering, enterprise, set, asOf).filter(counts);
  const asked = new Map<string, { achievementId: string; field: string; decides: Entitlement[] }>();
  for (const e of evaluate(achievements)) {
    if (e.eligibility !== 'NEEDS_INFO') continue;
    for (const field of e.missing) {
      const key = `${e.achievementId}\u0000${field}`;
      const question = asked.get(key) ?? { achievementId: e.achievementId, field, decides: [] };
      question.decides.push(e);
      asked.set(key, question);
    }
  }
  const answered = (set: AchievementInput[], id: string, answer: Answer) =>
    set.map((a) => (a.id === id ? { ...a, ...answer } : a));
  /** The totals with every input still missing set to its most favourable value, one input at a time. */
  const favourable = (set: AchievementInput[]): Totals => {
    const settled = new Set<string>();
    for (;;) {
      const entitlements = evaluate(set);
      const open = entitlements
        .filter((e) => e.eligibility === 'NEEDS_INFO')
        .flatMap((e) => e.missing.map((field) => ({ id: e.achievementId, field })))
        .find(({ id, field }) => !settled.has(`${id}\u0000${field}`));
      if (!open) return totalsOf(entitlements);
      settled.add(`${open.id}\u0000${open.field}`);
      const achievement = set.find((a) => a.id === open.id)!;
      const options = answersFor(open.field, achievement, policies, domain).map((answer) =>
        answered(set, open.id, answer),
      );
      if (options.length)
        set = options.reduce((best, option) =>
          better(totalsOf(evaluate(option)), totalsOf(evaluate(best))) > 0 ? option : best,
        );
    }
  };
  const questions: Question[] = [];
  for (const { achievementId, field, decides } of asked.values()) {
    const achievement = achievements.find((a) => a.id === achievementId)!;
    const totals = answersFor(field, achievement, policies, domain).map((answer) =>
      favourable(answered(achievements, achievementId, answer)),
    );
    if (totals.length === 0) continue;
    const exact = totals.map((t) => t.exactYuan);
    const upTo = totals.map((t) => t.upToYuan);
    const [minTotalYuan, maxTotalYuan] = [Math.min(...exact), Math.max(...exact)];
    questions.push({
      achievementId,
      field,
      text: decides.map((e) => textOf(e, field, policies)).find((t) => t !== null) ?? null,
      decides,
      minTotalYuan,
      maxTotalYuan,
      spreadYuan: maxTotalYuan - minTotalYuan,
      upToSpreadYuan: Math.max(...upTo) - Math.min(...upTo),
    });
  }
  return questions.sort((a, b) => b.spreadYuan - a.spreadYuan || b.upToSpreadYuan - a.upToSpreadYuan);
}
