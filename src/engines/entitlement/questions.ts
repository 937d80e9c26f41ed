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

const answered = (set: AchievementInput[], id: string, answer: Answer) =>
  set.map((a) => (a.id === id ? { ...a, ...answer } : a));

type Evaluate = (set: AchievementInput[]) => Entitlement[];

/**
 * Every way of answering what one achievement is missing, one input at a time, the inputs found missing
 * on the way included (a level its rule reads once the fact its condition asks is known): each leaf is
 * the set with that achievement answered as far as its entitlements ask. `meet` sees each NEEDS_INFO
 * entitlement of the achievement met on the way, at every step.
 */
function* leaves(
  evaluate: Evaluate,
  set: AchievementInput[],
  id: string,
  answersOf: (field: string, achievement: AchievementInput) => Answer[],
  meet: (e: Entitlement) => void = () => undefined,
): Generator<{ set: AchievementInput[]; entitlements: Entitlement[] }> {
  const entitlements = evaluate(set);
  const open = entitlements.filter((e) => e.achievementId === id && e.eligibility === 'NEEDS_INFO');
  open.forEach(meet);
  const achievement = set.find((a) => a.id === id)!;
  for (const field of open.flatMap((e) => e.missing)) {
    const answers = answersOf(field, achievement);
    if (!answers.length) continue;
    for (const answer of answers) yield* leaves(evaluate, answered(set, id, answer), id, answersOf, meet);
    return;
  }
  yield { set, entitlements };
}

/**
 * The questions of an answer, largest spread first (then of maxima; ties in the order the entitlements
 * name them, then the inputs found behind them). A question is every input a NEEDS_INFO entitlement
 * names, now or once the inputs before it are answered, so that answering every question settles every
 * answer. Its spread is max − min of the total over its answers, each answer's total taken with the
 * inputs still missing at their most favourable: every way of answering an achievement's is tried, one
 * achievement after another, so a fact that gates a reward whose level is not known yet is worth that
 * reward, not 0. `counts` keeps the entitlements the answer's total is of (one achievement's, say).
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
  const answersOf = (field: string, achievement: AchievementInput) => answersFor(field, achievement, policies, domain);
  const openIds = (entitlements: Entitlement[]) => [
    ...new Set(entitlements.filter((e) => e.eligibility === 'NEEDS_INFO').map((e) => e.achievementId)),
  ];
  const base = evaluate(achievements);
  const asked = new Map<string, { achievementId: string; field: string; decides: Entitlement[] }>();
  const incentiveOf = (e: Entitlement) => `${e.policyKey}\u0000${e.incentiveKey}`;
  for (const id of openIds(base)) {
    const waiting = base.filter((e) => e.achievementId === id && e.eligibility === 'NEEDS_INFO');
    const ask = (e: Entitlement) => {
      for (const field of e.missing) {
        const key = `${id}\u0000${field}`;
        const question = asked.get(key) ?? { achievementId: id, field, decides: [] };
        // What the answer decides: the entitlements waiting now of each incentive that names the input.
        for (const w of waiting)
          if (incentiveOf(w) === incentiveOf(e) && !question.decides.includes(w)) question.decides.push(w);
        asked.set(key, question);
      }
    };
    waiting.forEach(ask);
    Array.from(leaves(evaluate, achievements, id, answersOf, ask));
  }
  /** The totals with every input still missing answered most favourably, achievement by achievement. */
  const favourable = (set: AchievementInput[]): Totals => {
    for (const id of openIds(evaluate(set))) {
      let best: { set: AchievementInput[]; totals: Totals } | null = null;
      for (const leaf of leaves(evaluate, set, id, answersOf)) {
        const totals = totalsOf(leaf.entitlements);
        if (!best || better(totals, best.totals) > 0) best = { set: leaf.set, totals };
      }
      set = best!.set;
    }
    return totalsOf(evaluate(set));
  };
  const questions: Question[] = [];
  for (const { achievementId, field, decides } of asked.values()) {
    const achievement = achievements.find((a) => a.id === achievementId)!;
    const totals = answersOf(field, achievement).map((answer) =>
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
