/**
 * Where a target stands: for its scope or one district, period by period, with the figure the
 * document sets, the value observed, the straight path expected, the trend projected, a status
 * and the steps that decided it. The jobs live apart: periods.ts (which periods, their figures),
 * observed.ts (the values observed), decision.ts (each period's status); this composes them.
 */
import { isCeiling } from '../../format/comparators.js';
import { comparatorStep, countedPeriod, judgedPeriod, mostSevere, statusTerm } from './decision.js';
import { benchmarkByYear, latestObservations, observedInPeriod, officialBaseline } from './observed.js';
import { viewOf, type View } from './periods.js';
import { jurisdictionName, type Phrase } from '../message.js';
import {
  round,
  type Comparator,
  type ObservationInput,
  type PeriodProgress,
  type ProgressOptions,
  type ProgressStatus,
  type ProgressStep,
  type TargetInput,
  type TargetProgress,
} from './types.js';
import { datedPeriodsOf, targetTermsAt, untilOf, type DatedSpan } from './versions.js';

/** The trend stays part of the engine's surface, where its callers and tests found it. */
export { projectTrend } from './observed.js';

export function progressOf(
  target: TargetInput,
  observations: ObservationInput[],
  options: ProgressOptions,
): TargetProgress {
  const { asOf } = options;
  const view = viewOf(target, options);
  const latest = latestObservations(observations, target.indicator.code);
  const { single, spans } = datedPeriodsOf(
    target,
    view,
    asOf,
    benchmarkByYear(options.benchmark ?? [], target.indicator.code),
  );
  // The figures in force on asOf: the comparator and the per-jurisdiction figure the trace states.
  const now = targetTermsAt(target, asOf).target;
  // The scope of a per-jurisdiction target: each district judged on its own figure, counted here.
  const lines =
    view.perEach && view.isScope
      ? view.districts.map((d) => progressOf(target, observations, { ...options, jurisdiction: d }))
      : null;
  const series = new Map<number, number>();
  const periods = spans.map((span): PeriodProgress => {
    if (lines) {
      const period = countedPeriod(now, span, lines, asOf);
      if (period.observed !== null) series.set(span.year, period.observed);
      return period;
    }
    const observed = observedInPeriod(now, view, latest, span, single, asOf);
    for (const [year, value] of observed.charted) series.set(year, value);
    return judgedPeriod(now, view, span, observed, single, asOf);
  });
  const started = periods.filter((p) => p.start <= asOf);
  return {
    targetKey: target.key,
    policyKey: target.policyKey,
    jurisdiction: view.jurisdiction,
    status: started.length === 0 ? 'NO_DATA' : mostSevere(started.map((p) => p.status)),
    periods,
    series: [...series].sort(([a], [b]) => a - b).map(([year, value]) => ({ year, value })),
    baseline: lines || !spans[0] ? null : officialBaseline(now, view, latest, single, spans[0].fromYear),
    steps: traceOf(now, view, periods, lines !== null, latest, spans),
  };
}

/** The steps that decided it: the clause, the comparator, whose figure, each period, each observation. */
function traceOf(
  target: TargetInput,
  view: View,
  periods: PeriodProgress[],
  counted: boolean,
  latest: ReadonlyMap<string, ObservationInput>,
  spans: DatedSpan[],
): ProgressStep[] {
  const { jurisdiction } = view;
  const steps: ProgressStep[] = [
    { code: 'CLAUSE', values: { policy: target.policyKey, clause: target.clausePath, quote: target.quote } },
    comparatorStep(target),
  ];
  if (view.perEach)
    steps.push({
      code: 'PER_JURISDICTION',
      values: view.isScope
        ? {
            case: 'scope',
            districts: view.districts.length ? view.districts.map(jurisdictionName) : null,
            jurisdiction: jurisdictionName(jurisdiction),
          }
        : {
            case: 'district',
            jurisdiction: jurisdictionName(jurisdiction),
            scope: jurisdictionName(target.jurisdiction),
          },
    });
  // Dated figures: each version that judges a period is named, with the years it judges (like an award's VERSION step).
  if (target.versions.length)
    for (const version of new Set(spans.map((s) => s.version))) {
      const judged = spans.filter((s) => s.version === version);
      const years = judged.flatMap((s) => (Number.isFinite(s.year) ? [s.year] : []));
      steps.push({
        code: 'VERSION',
        values: {
          years: years.length ? years : null,
          since: version?.from ?? target.policyEffectiveFrom,
          until: untilOf(target, version),
          madeBy: (version?.madeBy ?? [{ policyKey: target.policyKey, clausePath: target.clausePath }]).map(
            (c): Phrase => ({ id: 'phrase.citation', values: { policy: c.policyKey, clause: c.clausePath } }),
          ),
        },
      });
    }
  // A period's step has its status as code; its words are one message whatever the status (progressStep.PERIOD).
  for (const p of periods) {
    steps.push({
      code: p.status,
      values: {
        year: Number.isFinite(p.year) ? p.year : null,
        figure: p.targetValue,
        source: p.targetSource,
        observed: p.observed,
        derived: p.derivedFromDistricts ? (counted ? 'counted' : 'summed') : 'no',
        through: p.observedThrough,
        status: statusTerm(p.status),
        reason: p.reason,
      },
    });
  }
  for (const o of [...latest.values()].filter((o) => o.jurisdiction === jurisdiction).sort((a, b) => a.year - b.year)) {
    steps.push({
      code: 'OBSERVATION',
      values: { year: o.year, value: o.value, source: o.source, recordedAt: o.recordedAt },
    });
  }
  return steps;
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
