/**
 * The per-period decision: the comparator the clause states, the share of the way, the straight
 * path expected, and the status with its reason (statuses are defined on ProgressStatus).
 */
import { comparatorWords, isCeiling, meets, statedComparator } from '../../format/comparators.js';
import { daysBetween } from '../../dates/index.js';
import { jurisdictionName, term, type MessageValues, type Phrase } from '../message.js';
import { projectTrend, type PeriodObserved } from './observed.js';
import { benchmarkTerm, isAdditive, type Span, type View } from './periods.js';
import {
  round,
  SEVERITY,
  type PeriodProgress,
  type ProgressStatus,
  type ProgressStep,
  type TargetInput,
  type TargetProgress,
} from './types.js';

export const mostSevere = (statuses: ProgressStatus[]): ProgressStatus =>
  SEVERITY.find((s) => statuses.includes(s)) ?? 'NO_DATA';

/** A status as the trace names it (the code in English, its name in Chinese). */
export const statusTerm = (status: ProgressStatus) => term(`status.${status}`);

/** The comparator and the word of the sentence that states it (超过 = strictly more). */
export function comparatorStep(target: TargetInput): ProgressStep {
  const word =
    statedComparator(target.quote, [
      ...(target.value !== null ? [target.value] : []),
      ...target.schedule.map((r) => r.value),
    ]) ?? comparatorWords(target.quote).find((w) => w.comparator === target.comparator);
  const rows = [...new Set(target.schedule.flatMap((r) => (r.comparator ? [r.comparator] : [])))];
  return {
    code: 'COMPARATOR',
    values: {
      comparator: target.comparator,
      meaning: comparatorTerm(target.comparator),
      word: word?.comparator === target.comparator ? word.word : null,
      rows:
        rows.length === 0
          ? null
          : rows.map((c): Phrase => ({
              id: 'phrase.comparatorRow',
              values: { comparator: c, meaning: comparatorTerm(c) },
            })),
    },
  };
}

const comparatorTerm = (comparator: string) => term(`comparator.${comparator}`);

/**
 * The value expected by the last observed year on the straight path from the baseline to the
 * figure; for additions without such a path, the share of the period elapsed.
 */
function expectedOnPath(
  target: TargetInput,
  span: Span & { figure: number },
  observed: PeriodObserved,
  single: boolean,
  asOf: string,
): number | null {
  const { baseline, through } = observed;
  if (baseline && span.year > baseline.year && through !== null && (single || target.kind === 'CUMULATIVE'))
    return round(
      baseline.value + ((span.figure - baseline.value) * (through - baseline.year)) / (span.year - baseline.year),
    );
  if (!isAdditive(target)) return null;
  const elapsed = daysBetween(span.start, asOf) / (daysBetween(span.start, span.end) + 1);
  return round(span.figure * Math.min(1, elapsed));
}

type Decision = Pick<PeriodProgress, 'status' | 'reason' | 'expected'>;

const reason = (code: string, values: MessageValues): Phrase => ({ id: `reason.${code}`, values });

function decide(
  target: TargetInput,
  view: View,
  span: Span,
  observed: PeriodObserved,
  single: boolean,
  asOf: string,
): Decision {
  const verdict = (status: ProgressStatus, why: Phrase, expected: number | null = null) => ({
    status,
    reason: why,
    expected,
  });
  if (span.start > asOf) return verdict('NO_DATA', reason('NOT_STARTED', { start: span.start }));
  const { figure } = span;
  if (figure === null)
    return verdict(
      'NO_DATA',
      target.kind === 'RELATIVE'
        ? reason('NO_BENCHMARK', { benchmark: benchmarkTerm(target), year: span.year })
        : reason('NO_FIGURE', { jurisdiction: jurisdictionName(view.jurisdiction) }),
    );
  const { value } = observed;
  if (value === null)
    return verdict(
      'NO_DATA',
      reason('NOTHING_OBSERVED', {
        jurisdiction: jurisdictionName(view.jurisdiction),
        year: Number.isFinite(span.year) ? span.year : null,
      }),
    );
  // Every verdict on a value states it against the figure: `{value} against {comparator} {figure}`.
  const versus = { value, comparator: comparatorTerm(span.comparator), figure };
  if (meets(span.comparator, value, figure)) return verdict('ACHIEVED', reason('MET', versus));
  if (target.kind === 'FLOOR')
    return verdict('BREACHED', reason('BREACHED', { ...versus, ceiling: isCeiling(span.comparator), year: span.year }));
  if (target.kind === 'RELATIVE') return verdict('MISSED', reason('BELOW_BENCHMARK', { ...versus, year: span.year }));
  if (asOf > span.end) return verdict('MISSED', reason('NOT_MET', { ...versus, end: span.end }));
  if (!Number.isFinite(span.year)) return verdict('ON_TRACK', reason('NO_DEADLINE', versus));
  // Open and not yet met: compare with the straight path to the figure.
  const expected = expectedOnPath(target, { ...span, figure }, observed, single, asOf);
  if (expected === null) return verdict('AT_RISK', reason('OPEN_BELOW', versus));
  // On the path is at or beyond it, whatever the comparator: strictness applies to the figure only.
  return (isCeiling(span.comparator) ? value <= expected : value >= expected)
    ? verdict('ON_TRACK', reason('ON_PATH', { ...versus, expected }), expected)
    : verdict('AT_RISK', reason('BEHIND_PATH', { ...versus, expected }), expected);
}

/** A period of the jurisdiction's own line: its figure against what was observed. */
export function judgedPeriod(
  target: TargetInput,
  view: View,
  span: Span,
  observed: PeriodObserved,
  single: boolean,
  asOf: string,
): PeriodProgress {
  const { value, baseline } = observed;
  const { status, reason, expected } = decide(target, view, span, observed, single, asOf);
  return {
    year: span.year,
    start: span.start,
    end: span.end,
    targetValue: span.figure,
    targetSource: span.figureSource,
    observed: value,
    observedThrough: observed.through,
    derivedFromDistricts: observed.derivedFromDistricts,
    expected,
    share:
      value !== null && span.figure !== null && baseline && span.figure !== baseline.value
        ? round((value - baseline.value) / (span.figure - baseline.value))
        : null,
    projection: single && Number.isFinite(span.year) ? projectTrend(observed.points, span.year) : null,
    status,
    reason,
  };
}

/**
 * A period of a per-jurisdiction target's scope: the number of its districts whose own period
 * that year met the figure, against all of them; its status the most severe of theirs, so the
 * scope is ACHIEVED only when every district is. The scope's own total is never compared.
 */
export function countedPeriod(target: TargetInput, span: Span, lines: TargetProgress[], asOf: string): PeriodProgress {
  const theirs = lines.map((l) => ({
    jurisdiction: l.jurisdiction,
    period: l.periods.find((p) => p.year === span.year),
  }));
  const met = theirs.filter((t) => t.period?.status === 'ACHIEVED').length;
  const n = theirs.length;
  const each: Phrase = {
    id: 'phrase.each',
    values: { comparator: comparatorTerm(target.comparator), figure: target.value },
  };
  const period: PeriodProgress = {
    year: span.year,
    start: span.start,
    end: span.end,
    targetValue: n || null,
    targetSource: n ? { id: 'source.ALL_DISTRICTS', values: { n, each } } : null,
    observed: n ? met : null,
    observedThrough: n ? span.year : null,
    derivedFromDistricts: n > 0,
    expected: null,
    share: n ? round(met / n) : null,
    projection: null,
    status: 'NO_DATA',
    reason: reason('NOT_STARTED', { start: span.start }),
  };
  if (span.start > asOf) return period;
  if (n === 0)
    return { ...period, reason: reason('NO_DISTRICTS', { jurisdiction: jurisdictionName(target.jurisdiction), each }) };
  const status = mostSevere(theirs.map((t) => t.period?.status ?? 'NO_DATA'));
  const verdicts = theirs.map((t): Phrase => ({
    id: 'phrase.line',
    values: { jurisdiction: jurisdictionName(t.jurisdiction), status: statusTerm(t.period?.status ?? 'NO_DATA') },
  }));
  return { ...period, status, reason: reason('DISTRICTS_MET', { met, n, each, lines: verdicts }) };
}
