/**
 * What was observed: the latest value per jurisdiction and year, a city's count summed from its
 * districts, a period's observed points (running sums for a cumulative goal), its baseline and
 * the trend through its points.
 */
import { yearOf } from '../../dates/index.js';
import { isAdditive, type Span, type View } from './periods.js';
import { ADDITIVE_UNITS, round, type ObservationInput, type TargetInput } from './types.js';

/** The latest recorded observation per jurisdiction and year: a correction supersedes. */
export function latestObservations(observations: ObservationInput[], indicator: string) {
  const latest = new Map<string, ObservationInput>();
  for (const o of observations) {
    if (o.indicator !== indicator) continue;
    const key = `${o.jurisdiction}|${o.year}`;
    const seen = latest.get(key);
    if (!seen || o.recordedAt > seen.recordedAt) latest.set(key, o);
  }
  return latest;
}

/** The benchmark is one series (the province's yearly average): its latest value per year. */
export const benchmarkByYear = (benchmark: ObservationInput[], indicator: string) =>
  new Map([...latestObservations(benchmark, indicator).values()].map((o) => [o.year, o]));

/** Least squares through (year, value) points, evaluated at `year`; null under two points. */
export function projectTrend(points: Array<[number, number]>, year: number): number | null {
  if (points.length < 2) return null;
  const n = points.length;
  const meanX = points.reduce((s, [x]) => s + x, 0) / n;
  const meanY = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - meanX) ** 2, 0);
  if (sxx === 0) return null;
  const slope = points.reduce((s, [x, y]) => s + (x - meanX) * (y - meanY), 0) / sxx;
  return round(meanY + slope * (year - meanX));
}

interface Observed {
  value: number;
  year: number;
  derivedFromDistricts: boolean;
}

/** The year's value for the jurisdiction; a city's count may be the sum of all its districts'. */
function observedIn(
  target: TargetInput,
  view: View,
  latest: ReadonlyMap<string, ObservationInput>,
  year: number,
): Observed | null {
  const own = latest.get(`${view.jurisdiction}|${year}`);
  if (own) return { value: own.value, year, derivedFromDistricts: false };
  const { districts } = view;
  if (!view.isScope || view.perEach || districts.length === 0 || !ADDITIVE_UNITS.has(target.indicator.unit))
    return null;
  const parts = districts.map((d) => latest.get(`${d}|${year}`));
  if (parts.some((p) => !p)) return null;
  return {
    value: round((parts as ObservationInput[]).reduce((s, p) => s + p.value, 0)),
    year,
    derivedFromDistricts: true,
  };
}

/** A period's observations, as its decision compares them. */
export interface PeriodObserved {
  /** (year, value) points: the year's value, or the running sum of a cumulative goal. */
  points: Array<[number, number]>;
  /** The points the chart's series shows: all of a single period's, the last of a yearly one. */
  charted: Array<[number, number]>;
  /** The latest point's value and year. */
  value: number | null;
  through: number | null;
  derivedFromDistricts: boolean;
  /** Where the straight path starts: zero for additions, else the document's, the base year's or the first observed. */
  baseline: { value: number; year: number } | null;
}

/**
 * The official value a goal's path starts from, before its first year: the document's baseline, else
 * for a goal reached along one straight path the value observed in its base year (基期), the year
 * before `fromYear` (recordObservations accepts it). Additions count from zero and have none.
 */
export function officialBaseline(
  target: TargetInput,
  view: View,
  latest: ReadonlyMap<string, ObservationInput>,
  single: boolean,
  fromYear: number,
): { value: number; year: number } | null {
  if (isAdditive(target)) return null;
  if (target.baseline) return target.baseline;
  const base = single ? observedIn(target, view, latest, fromYear - 1) : null;
  return base ? { value: base.value, year: base.year } : null;
}

export function observedInPeriod(
  target: TargetInput,
  view: View,
  latest: ReadonlyMap<string, ObservationInput>,
  span: Span,
  single: boolean,
  asOf: string,
): PeriodObserved {
  const cumulative = target.kind === 'CUMULATIVE';
  const lastObservable = Math.min(span.year, yearOf(asOf));
  const seen: Observed[] = [];
  for (let y = span.fromYear; y <= lastObservable && Number.isFinite(y); y++) {
    const o = observedIn(target, view, latest, y);
    // A yearly period compares its own year only.
    if (o && (single || cumulative || o.year === span.year)) seen.push(o);
  }
  const runningSums = seen.reduce<Array<[number, number]>>(
    (acc, o) => [...acc, [o.year, round((acc.at(-1)?.[1] ?? 0) + o.value)]],
    [],
  );
  const points: Array<[number, number]> = cumulative ? runningSums : seen.map((o) => [o.year, o.value]);
  const last = points.at(-1);
  return {
    points,
    charted: single ? points : points.slice(-1),
    value: last ? last[1] : null,
    through: last ? last[0] : null,
    derivedFromDistricts: seen.some((o) => o.derivedFromDistricts),
    baseline: isAdditive(target)
      ? { value: 0, year: span.fromYear - 1 }
      : (officialBaseline(target, view, latest, single, span.fromYear) ??
        (single && points.length ? { value: points[0]![1], year: points[0]![0] } : null)),
  };
}
