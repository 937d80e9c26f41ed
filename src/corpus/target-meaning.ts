/**
 * Mechanical checks of what a target's sentence means, beside its figures: the comparator it
 * states (超过/突破 strictly more, 以上/不少于 at least, 以内/不超过 at most) against the one encoded,
 * and a figure 每个县(市、区) owes encoded as the city's own. Each reading is checked against its own
 * quote: the figures as first written, each version, each amendment of another policy's target.
 */
import { COMPARATOR_TEXT, EACH_JURISDICTION_WORDS, statedComparator, type Comparator } from '../format/comparators.js';
import { amendmentReadings, figuresOfTarget, targetReadings, type Finding, type Reading } from './faithfulness.js';
import type { PolicyFile, TargetDef } from '../format/policy.js';

/**
 * The comparator that judges the figures a reading writes: its own, else (a version setting rows)
 * the one its rows agree on, each row's own or the target's in force; null when the rows differ.
 */
function encodedComparator({ from, terms, written }: Reading<TargetDef>): Comparator | null {
  if (from === null || written.comparator || !written.schedule) return terms.comparator;
  const row = new Set(written.schedule.map((r) => r.comparator ?? terms.comparator));
  return row.size === 1 ? [...row][0]! : null;
}

export interface TargetMeaningFinding extends Finding {
  /** The day of the version or amendment whose quote the figures contradict; null for the first figures. */
  from: string | null;
}

export function targetMeaningProblems(
  policy: PolicyFile,
  policies: ReadonlyMap<string, PolicyFile> = new Map(),
): TargetMeaningFinding[] {
  const problems: TargetMeaningFinding[] = [];
  const readings = [
    ...policy.targets.flatMap((t, i) => targetReadings(t, `targets.${i}`)),
    ...amendmentReadings(policy, policies).targets,
  ];
  for (const reading of readings) {
    const { terms: target, label } = reading;
    const problem = (message: string) =>
      problems.push({
        path: reading.at.path,
        clause: reading.at.clause,
        from: reading.from,
        message: `${label}: ${message}`,
      });
    const encoded = encodedComparator(reading);
    const stated = statedComparator(reading.quote, figuresOfTarget(reading.written));
    if (stated && encoded && stated.comparator !== encoded)
      problem(
        `the quote says ${stated.word} (${stated.comparator}, ${COMPARATOR_TEXT[stated.comparator]}) but the target is encoded ${encoded} (${COMPARATOR_TEXT[encoded]})`,
      );
    const each = EACH_JURISDICTION_WORDS.exec(reading.quote);
    if (each && target.per === 'SCOPE' && !target.schedule.some((row) => row.jurisdiction))
      problem(
        `the quote sets a figure for each county or district (${each[0]}) but it is encoded as ${target.jurisdiction ?? policy.jurisdiction}'s own: write per: EACH_JURISDICTION, or the districts' schedule`,
      );
  }
  return problems;
}
