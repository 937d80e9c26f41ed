/**
 * Mechanical checks of what a target's sentence means, beside its figures: the comparator it
 * states (超过/突破 strictly more, 以上/不少于 at least, 以内/不超过 at most) against the one encoded,
 * and a figure 每个县(市、区) owes encoded as the city's own.
 */
import { COMPARATOR_TEXT, EACH_JURISDICTION_WORDS, statedComparator } from '../format/comparators.js';
import { figuresOfTarget } from './faithfulness.js';
import type { PolicyFile } from '../format/policy.js';

export function targetMeaningProblems(policy: PolicyFile): string[] {
  const problems: string[] = [];
  for (const target of policy.targets) {
    const label = `target ${target.key} [${target.clause}]`;
    const stated = statedComparator(target.quote, figuresOfTarget(target));
    if (stated && stated.comparator !== target.comparator)
      problems.push(
        `${label}: the quote says ${stated.word} (${stated.comparator}, ${COMPARATOR_TEXT[stated.comparator]}) but the target is encoded ${target.comparator} (${COMPARATOR_TEXT[target.comparator]})`,
      );
    const each = EACH_JURISDICTION_WORDS.exec(target.quote);
    if (each && target.per === 'SCOPE' && !target.schedule.some((row) => row.jurisdiction))
      problems.push(
        `${label}: the quote sets a figure for each county or district (${each[0]}) but it is encoded as ${target.jurisdiction ?? policy.jurisdiction}'s own: write per: EACH_JURISDICTION, or the districts' schedule`,
      );
  }
  return problems;
}
