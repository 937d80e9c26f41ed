/**
 * Every input an incentive can find missing (NEEDS_INFO) has a question in the policy data, so that
 * a frontend can ask it: an attested fact's beside its condition, a level's or a measure's in the
 * incentive's `questions`. Checked over every version of the terms, amendments from other files included.
 */
import type { IncentiveDef, PolicyFile, QuestionField } from '../format/policy.js';

type Terms = Partial<Pick<IncentiveDef, 'levels' | 'rule' | 'conditions'>>;

/** The levels and measures the engine may name missing under these terms. */
function measuresOf({ levels, rule }: Terms): QuestionField[] {
  const fields: QuestionField[] = [];
  if (levels?.length || (rule && 'tiers' in rule && rule.tiers?.length)) fields.push('level');
  if (rule?.kind === 'PER_UNIT' || rule?.kind === 'FIRST_PLUS_INCREMENT') fields.push('units');
  if (rule?.kind === 'PERCENTAGE') fields.push(rule.of === 'COST' ? 'costYuan' : 'budgetYuan');
  if (rule?.kind === 'MATCHING') fields.push('provincialGrantYuan');
  if (rule?.kind === 'RANK') fields.push('rank');
  return fields;
}

function termProblems(label: string, terms: Terms, asked: IncentiveDef['questions']): string[] {
  const problems = measuresOf(terms)
    .filter((field) => !asked.some((q) => q.field === field))
    .map(
      (field) =>
        `${label}: no question for a missing ${field} (add { field: ${field}, question, questionEn } to its questions)`,
    );
  for (const c of terms.conditions ?? [])
    if (c.kind === 'ATTESTED' && !(c.question && c.questionEn))
      problems.push(`${label}: the condition ${c.fact} (${c.text}) has no question and questionEn`);
  return problems;
}

/** Missing questions of one file, its amendments of `others` included. */
export function questionProblems(policy: PolicyFile, others: readonly PolicyFile[]): string[] {
  const problems: string[] = [];
  for (const i of policy.incentives) {
    const label = `questions, ${i.key} [${i.clause}]`;
    for (const terms of [i, ...i.versions]) problems.push(...termProblems(label, terms, i.questions));
  }
  for (const a of policy.amends) {
    const amended = others.find((p) => p.key === a.policy)?.incentives.find((i) => i.key === a.incentive);
    if (amended)
      problems.push(
        ...termProblems(`questions, amendment of ${a.policy} ${amended.key} [${a.clause}]`, a, amended.questions),
      );
  }
  return [...new Set(problems)];
}
