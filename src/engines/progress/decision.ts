/**
 * The per-period decision: the comparator the clause states, the share of the way, the straight
 * path expected, and the status with its reason (statuses are defined on ProgressStatus).
 */
import { COMPARATOR_TEXT, comparatorWords, isCeiling, meets, statedComparator } from '../../format/comparators.js';
import { daysBetween } from '../../dates/index.js';
import { projectTrend, type PeriodObserved } from './observed.js';
import { isAdditive, type Span, type View } from './periods.js';
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
    text:
      `met when the value is ${COMPARATOR_TEXT[target.comparator]} the figure (${target.comparator}` +
      `${word?.comparator === target.comparator ? `: the clause says ${word.word}` : ''})` +
      (rows.length ? `; schedule rows marked ${rows.map((c) => `${c}: ${COMPARATOR_TEXT[c]}`).join(', ')}` : ''),
  };
}

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

function decide(
  target: TargetInput,
  view: View,
  span: Span,
  observed: PeriodObserved,
  single: boolean,
  asOf: string,
): Decision {
  const verdict = (status: ProgressStatus, reason: string, expected: number | null = null) => ({
    status,
    reason,
    expected,
  });
  if (span.start > asOf) return verdict('NO_DATA', `the period starts on ${span.start}`);
  const { figure } = span;
  if (figure === null)
    return verdict(
      'NO_DATA',
      target.kind === 'RELATIVE'
        ? `no ${target.benchmark} observed for ${span.year}`
        : `no figure for ${view.jurisdiction}`,
    );
  const { value } = observed;
  if (value === null)
    return verdict(
      'NO_DATA',
      `nothing observed for ${view.jurisdiction} in ${span.year === Number.POSITIVE_INFINITY ? 'the period' : span.year}`,
    );
  const versus = `${value} against ${COMPARATOR_TEXT[span.comparator]} ${figure}`;
  if (meets(span.comparator, value, figure)) return verdict('ACHIEVED', `${versus}: met`);
  if (target.kind === 'FLOOR')
    return verdict(
      'BREACHED',
      `${versus}: ${isCeiling(span.comparator) ? 'above the ceiling' : 'below the floor'} in ${span.year}`,
    );
  if (target.kind === 'RELATIVE') return verdict('MISSED', `${versus}: below the benchmark in ${span.year}`);
  if (asOf > span.end) return verdict('MISSED', `${versus}: not met by ${span.end}`);
  if (!Number.isFinite(span.year)) return verdict('ON_TRACK', `${versus}: not yet met; the document sets no deadline`);
  // Open and not yet met: compare with the straight path to the figure.
  const expected = expectedOnPath(target, { ...span, figure }, observed, single, asOf);
  if (expected === null) return verdict('AT_RISK', `${versus}: below the figure, the period still open`);
  // On the path is at or beyond it, whatever the comparator: strictness applies to the figure only.
  return (isCeiling(span.comparator) ? value <= expected : value >= expected)
    ? verdict('ON_TRACK', `${versus}: at or beyond the ${expected} expected on the straight path`, expected)
    : verdict('AT_RISK', `${versus}: behind the ${expected} expected on the straight path`, expected);
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
  const each = `${COMPARATOR_TEXT[target.comparator]} ${target.value ?? 'its figure'} each`;
  const period: PeriodProgress = {
    year: span.year,
    start: span.start,
    end: span.end,
    targetValue: n || null,
    targetSource: n ? `all ${n} counties and districts, each to reach ${each}` : null,
    observed: n ? met : null,
    observedThrough: n ? span.year : null,
    derivedFromDistricts: n > 0,
    expected: null,
    share: n ? round(met / n) : null,
    projection: null,
    status: 'NO_DATA',
    reason: '',
  };
  if (span.start > asOf) return { ...period, reason: `the period starts on ${span.start}` };
  if (n === 0)
    return {
      ...period,
      reason: `the figure is for each county and district of ${target.jurisdiction} (${each}); none is declared, and the scope has no figure of its own`,
    };
  const status = mostSevere(theirs.map((t) => t.period?.status ?? 'NO_DATA'));
  const detail = theirs.map((t) => `${t.jurisdiction} ${t.period?.status ?? 'NO_DATA'}`).join(', ');
  return { ...period, status, reason: `${met} of ${n} met ${each}: ${detail}` };
}
