/**
 * Dated target figures: a target's figures as first written, then complete later versions, oldest
 * first (an amending notice raising a district's quota from a day). A period is judged by the figures
 * in force on its last day, or on `asOf` while it is open: as an award is judged by the rule of its
 * day, a notice does not rewrite a year already closed, and an open year is judged by today's figure.
 * Which periods there are (the deadline, the years) follows the figures in force on `asOf`.
 */
import { addDays } from '../../dates/index.js';
import { versionAt } from '../entitlement/versions.js';
import type { ObservationInput, TargetInput, TargetVersion } from './types.js';
import { periodsOf, type Periods, type Span, type View } from './periods.js';

/** The target with the figures in force on `day`, and the version they come from (null: the first figures). */
export function targetTermsAt(
  target: TargetInput,
  day: string,
): { target: TargetInput; version: TargetVersion | null } {
  const version = versionAt(target.versions, day);
  if (!version) return { target, version };
  const { value, comparator, deadline, schedule } = version;
  return { target: { ...target, value, comparator, deadline, schedule }, version };
}

/** A period with the version of the figures that judge it (null: the first figures). */
export type DatedSpan = Span & { version: TargetVersion | null };

/** The periods of `target` as of `asOf`, each with the figure (and comparator) in force for it. */
export function datedPeriodsOf(
  target: TargetInput,
  view: View,
  asOf: string,
  benchmark: ReadonlyMap<number, ObservationInput>,
): Periods & { spans: DatedSpan[] } {
  const now = targetTermsAt(target, asOf);
  const periods = periodsOf(now.target, view, asOf, benchmark);
  const spans = periods.spans.map((span): DatedSpan => {
    if (span.end >= asOf) return { ...span, version: now.version };
    const then = targetTermsAt(target, span.end);
    if (then.version === now.version) return { ...span, version: now.version };
    const closed = periodsOf(then.target, view, asOf, benchmark).spans.find((s) => s.year === span.year);
    return {
      ...span,
      figure: closed?.figure ?? null,
      figureSource: closed?.figureSource ?? null,
      comparator: closed?.comparator ?? then.target.comparator,
      version: then.version,
    };
  });
  return { single: periods.single, spans };
}

/** The last day a version (null: the first figures) is in force: the day before the next; null for the latest. */
export function untilOf(target: TargetInput, version: TargetVersion | null): string | null {
  const next = target.versions[version ? target.versions.indexOf(version) + 1 : 0];
  return next ? addDays(next.from, -1) : null;
}
