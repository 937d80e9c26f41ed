/**
 * Where a target stands: for its scope or one district, period by period, with the figure the
 * document sets, the value observed, the straight path expected, the trend projected, a status
 * and the steps that decided it. Statuses are defined on ProgressStatus (types.ts).
 */
import { COMPARATOR_TEXT, comparatorWords, isCeiling, meets, statedComparator } from '../../format/comparators.js';
import {
  ADDITIVE_UNITS,
  SEVERITY,
  type ObservationInput,
  type PeriodProgress,
  type ProgressOptions,
  type ProgressStatus,
  type Comparator,
  type ProgressStep,
  type TargetInput,
  type TargetProgress,
} from './types.js';

/** Goals with one period ending at the deadline, unless the document schedules them by year. */
const ONE_PERIOD_KINDS = new Set(['REACH', 'CUMULATIVE']);

const round = (x: number) => Math.round(x * 1e4) / 1e4;
const yearOf = (day: string) => Number(day.slice(0, 4));
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;

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
  sources: ObservationInput[];
  derivedFromDistricts: boolean;
}

export function progressOf(
  target: TargetInput,
  observations: ObservationInput[],
  options: ProgressOptions,
): TargetProgress {
  const jurisdiction = options.jurisdiction ?? target.jurisdiction;
  const isScope = jurisdiction === target.jurisdiction;
  const latest = latestObservations(observations, target.indicator.code);
  // The benchmark is one series (the province's yearly average): its latest value per year.
  const benchmark = new Map(
    [...latestObservations(options.benchmark ?? [], target.indicator.code).values()].map((o) => [o.year, o]),
  );
  const perEach = target.per === 'EACH_JURISDICTION';
  // Per jurisdiction (每个县(市、区)…): the districts each owe the figure and the scope owes none of its own.
  const ownsValue = perEach ? !isScope && (options.districts ?? []).includes(jurisdiction) : isScope;
  const steps: ProgressStep[] = [
    { code: 'CLAUSE', text: `${target.policyKey} clause ${target.clausePath}: ${target.quote}` },
    comparatorStep(target),
  ];
  if (perEach)
    steps.push({
      code: 'PER_JURISDICTION',
      text: isScope
        ? `the figure is for each of ${(options.districts ?? []).join(', ') || 'its counties and districts (none declared)'}, not for ${jurisdiction}: the scope's line counts those meeting it`
        : `the figure is ${jurisdiction}'s own, as for each county and district of ${target.jurisdiction}`,
    });

  /** The year's value for the jurisdiction; a city's count may be the sum of all its districts'. */
  const observedIn = (year: number): Observed | null => {
    const own = latest.get(`${jurisdiction}|${year}`);
    if (own) return { value: own.value, year, sources: [own], derivedFromDistricts: false };
    const districts = options.districts ?? [];
    if (!isScope || perEach || districts.length === 0 || !ADDITIVE_UNITS.has(target.indicator.unit)) return null;
    const parts = districts.map((d) => latest.get(`${d}|${year}`));
    if (parts.some((p) => !p)) return null;
    const sources = parts as ObservationInput[];
    return { value: round(sources.reduce((s, p) => s + p.value, 0)), year, sources, derivedFromDistricts: true };
  };

  const rows = target.schedule.filter((r) => r.jurisdiction === jurisdiction || (isScope && r.jurisdiction === null));
  const firstYear = target.from ?? yearOf(target.policyEffectiveFrom);
  const deadlineYear = target.deadline ? yearOf(target.deadline) : null;
  const onePeriod = ONE_PERIOD_KINDS.has(target.kind) && rows.length === 0;
  const cumulative = target.kind === 'CUMULATIVE';
  const additive = cumulative || target.kind === 'ANNUAL_ADDITIONS';

  type Span = {
    year: number;
    start: string;
    end: string;
    figure: number | null;
    figureSource: string | null;
    comparator: Comparator;
    fromYear: number;
  };
  const valueSource = perEach
    ? `the document's figure for each county and district of ${target.jurisdiction}`
    : `the document's figure for ${target.jurisdiction}`;
  const spans: Span[] = [];
  if (onePeriod) {
    const end = target.deadline ?? (target.to ? `${target.to}-12-31` : null);
    spans.push({
      year: end ? yearOf(end) : Number.POSITIVE_INFINITY,
      start: target.from ? `${target.from}-01-01` : target.policyEffectiveFrom,
      end: end ?? '9999-12-31',
      figure: ownsValue ? target.value : null,
      figureSource: ownsValue && target.value !== null ? valueSource : null,
      comparator: target.comparator,
      fromYear: firstYear,
    });
  } else {
    const scheduled = [...new Set(rows.map((r) => r.year))].sort((a, b) => a - b);
    const lastYear = target.to ?? deadlineYear ?? scheduled.at(-1) ?? yearOf(options.asOf);
    const years = scheduled.length
      ? scheduled
      : Array.from({ length: Math.max(0, lastYear - firstYear + 1) }, (_, i) => firstYear + i);
    for (const year of years) {
      const own = rows.filter((r) => r.year <= year);
      const row = rows.find((r) => r.year === year);
      let figure: number | null = null;
      let figureSource: string | null = null;
      let comparator = target.comparator;
      if (cumulative && own.length) {
        figure = round(own.reduce((s, r) => s + r.value, 0));
        figureSource = `the schedule's quotas for ${jurisdiction} up to ${year} (${own.map((r) => `${r.year}: ${r.value}`).join(', ')})`;
        comparator = own.at(-1)!.comparator ?? comparator;
      } else if (row) {
        figure = row.value;
        figureSource = `the schedule's figure for ${row.jurisdiction ?? target.jurisdiction} in ${year}`;
        comparator = row.comparator ?? comparator;
      } else if (ownsValue && target.value !== null && target.kind !== 'RELATIVE') {
        figure = target.value;
        figureSource = valueSource;
      }
      if (target.kind === 'RELATIVE') {
        const b = benchmark.get(year);
        figure = b ? b.value : null;
        figureSource = b ? `${target.benchmark} in ${year}: ${b.value} (${b.source}, recorded ${b.recordedAt})` : null;
      }
      spans.push({
        year,
        start: `${year}-01-01`,
        end: `${year}-12-31`,
        figure,
        figureSource,
        comparator,
        fromYear: cumulative ? (rows[0]?.year ?? firstYear) : year,
      });
    }
  }

  // The scope of a per-jurisdiction target: each district judged on its own figure, counted here.
  const lines =
    perEach && isScope
      ? (options.districts ?? []).map((d) => progressOf(target, observations, { ...options, jurisdiction: d }))
      : null;

  const series = new Map<number, number>();
  const periods = spans.map((span): PeriodProgress => {
    if (lines) {
      const period = countedPeriod(target, span, lines, options.asOf);
      if (period.observed !== null) series.set(span.year, period.observed);
      return period;
    }
    const lastObservable = Math.min(span.year, yearOf(options.asOf));
    const seen: Observed[] = [];
    for (let y = span.fromYear; y <= lastObservable && Number.isFinite(y); y++) {
      const o = observedIn(y);
      if (o) seen.push(o);
    }
    if (!onePeriod && !cumulative) seen.splice(0, seen.length, ...seen.filter((o) => o.year === span.year));
    const runningSums = seen.reduce<Array<[number, number]>>(
      (acc, o) => [...acc, [o.year, round((acc.at(-1)?.[1] ?? 0) + o.value)]],
      [],
    );
    const points: Array<[number, number]> = cumulative ? runningSums : seen.map((o) => [o.year, o.value]);
    for (const [year, value] of onePeriod ? points : points.slice(-1)) series.set(year, value);
    const last = points.at(-1);
    const observed = last ? last[1] : null;
    const observedThrough = last ? last[0] : null;
    const baseline = additive
      ? { value: 0, year: span.fromYear - 1 }
      : (target.baseline ?? (onePeriod && points.length ? { value: points[0]![1], year: points[0]![0] } : null));
    const period: PeriodProgress = {
      year: span.year,
      start: span.start,
      end: span.end,
      targetValue: span.figure,
      targetSource: span.figureSource,
      observed,
      observedThrough,
      derivedFromDistricts: seen.some((o) => o.derivedFromDistricts),
      expected: null,
      share:
        observed !== null && span.figure !== null && baseline && span.figure !== baseline.value
          ? round((observed - baseline.value) / (span.figure - baseline.value))
          : null,
      projection: onePeriod && Number.isFinite(span.year) ? projectTrend(points, span.year) : null,
      status: 'NO_DATA',
      reason: '',
    };
    const decide = (status: ProgressStatus, reason: string) => Object.assign(period, { status, reason });
    const started = span.start <= options.asOf;
    const ended = options.asOf > span.end;
    if (!started) return decide('NO_DATA', `the period starts on ${span.start}`);
    if (span.figure === null)
      return decide(
        'NO_DATA',
        target.kind === 'RELATIVE'
          ? `no ${target.benchmark} observed for ${span.year}`
          : `no figure for ${jurisdiction}`,
      );
    if (observed === null)
      return decide(
        'NO_DATA',
        `nothing observed for ${jurisdiction} in ${span.year === Number.POSITIVE_INFINITY ? 'the period' : span.year}`,
      );
    const versus = `${observed} against ${COMPARATOR_TEXT[span.comparator]} ${span.figure}`;
    if (meets(span.comparator, observed, span.figure)) return decide('ACHIEVED', `${versus}: met`);
    if (target.kind === 'FLOOR')
      return decide(
        'BREACHED',
        `${versus}: ${isCeiling(span.comparator) ? 'above the ceiling' : 'below the floor'} in ${span.year}`,
      );
    if (target.kind === 'RELATIVE') return decide('MISSED', `${versus}: below the benchmark in ${span.year}`);
    if (ended) return decide('MISSED', `${versus}: not met by ${span.end}`);
    if (!Number.isFinite(span.year)) return decide('ON_TRACK', `${versus}: not yet met; the document sets no deadline`);
    // Open and not yet met: compare with the straight path to the figure.
    let expected: number | null = null;
    if (baseline && span.year > baseline.year && observedThrough !== null && (onePeriod || cumulative)) {
      expected = round(
        baseline.value +
          ((span.figure - baseline.value) * (observedThrough - baseline.year)) / (span.year - baseline.year),
      );
    } else if (additive) {
      const elapsed =
        (dayNumber(options.asOf) - dayNumber(span.start)) / (dayNumber(span.end) - dayNumber(span.start) + 1);
      expected = round(span.figure * Math.min(1, elapsed));
    }
    period.expected = expected;
    if (expected === null) return decide('AT_RISK', `${versus}: below the figure, the period still open`);
    // On the path is at or beyond it, whatever the comparator: strictness applies to the figure only.
    return (isCeiling(span.comparator) ? observed <= expected : observed >= expected)
      ? decide('ON_TRACK', `${versus}: at or beyond the ${expected} expected on the straight path`)
      : decide('AT_RISK', `${versus}: behind the ${expected} expected on the straight path`);
  });

  for (const p of periods) {
    const figure = p.targetSource ? ` (${p.targetSource})` : '';
    const sources =
      p.observed === null
        ? ''
        : `; observed ${p.observed}${p.derivedFromDistricts ? (lines ? ' (districts meeting their figure)' : ' (sum of districts)') : ''} through ${p.observedThrough}`;
    steps.push({
      code: p.status,
      text: `${Number.isFinite(p.year) ? p.year : 'no deadline'}: figure ${p.targetValue ?? 'none'}${figure}${sources} → ${p.status}: ${p.reason}`,
    });
  }
  for (const o of [...latest.values()].filter((o) => o.jurisdiction === jurisdiction).sort((a, b) => a.year - b.year)) {
    steps.push({ code: 'OBSERVATION', text: `${o.year}: ${o.value} (${o.source}, recorded ${o.recordedAt})` });
  }

  const started = periods.filter((p) => p.start <= options.asOf);
  const status = started.length === 0 ? 'NO_DATA' : mostSevere(started.map((p) => p.status));
  return {
    targetKey: target.key,
    policyKey: target.policyKey,
    jurisdiction,
    status,
    periods,
    series: [...series].sort(([a], [b]) => a - b).map(([year, value]) => ({ year, value })),
    steps,
  };
}

/** The comparator and the word of the sentence that states it (超过 = strictly more). */
function comparatorStep(target: TargetInput): ProgressStep {
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
 * A period of a per-jurisdiction target's scope: the number of its districts whose own period
 * that year met the figure, against all of them; its status the most severe of theirs, so the
 * scope is ACHIEVED only when every district is. The scope's own total is never compared.
 */
function countedPeriod(
  target: TargetInput,
  span: { year: number; start: string; end: string },
  lines: TargetProgress[],
  asOf: string,
): PeriodProgress {
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

export const mostSevere = (statuses: ProgressStatus[]): ProgressStatus =>
  SEVERITY.find((s) => statuses.includes(s)) ?? 'NO_DATA';

/** The trace as text an officer can read beside the clause. */
export function explainProgress(progress: TargetProgress): string {
  return [
    `${progress.targetKey} for ${progress.jurisdiction}: ${progress.status}`,
    ...progress.steps.map((s) => `  - ${s.text}`),
  ].join('\n');
}

export interface DistrictProgress {
  city: TargetProgress;
  districts: TargetProgress[];
}

/** The scope's progress and each district's, from the same observations. */
export function progressByDistrict(
  target: TargetInput,
  observations: ObservationInput[],
  options: ProgressOptions & { districts: string[] },
): DistrictProgress {
  return {
    city: progressOf(target, observations, { ...options, jurisdiction: target.jurisdiction }),
    districts: options.districts.map((d) => progressOf(target, observations, { ...options, jurisdiction: d })),
  };
}

export interface DistrictBehind {
  jurisdiction: string;
  status: ProgressStatus;
  year: number;
  targetValue: number;
  observed: number;
  /** How far from the figure: target − observed (observed − target for a ceiling). */
  gap: number;
}

/** Districts whose status is AT_RISK, MISSED or BREACHED, with their first period behind. */
export function districtsBehind(byDistrict: DistrictProgress, comparator: Comparator = 'GTE'): DistrictBehind[] {
  const behind = new Set<ProgressStatus>(['AT_RISK', 'MISSED', 'BREACHED']);
  return byDistrict.districts.flatMap((d) => {
    if (!behind.has(d.status)) return [];
    const period = d.periods.find((p) => p.status === d.status)!;
    const gap = isCeiling(comparator) ? period.observed! - period.targetValue! : period.targetValue! - period.observed!;
    return [
      {
        jurisdiction: d.jurisdiction,
        status: d.status,
        year: period.year,
        targetValue: period.targetValue!,
        observed: period.observed!,
        gap: round(gap),
      },
    ];
  });
}
