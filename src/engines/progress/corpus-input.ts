/** A policy file's target as the progress engine's input, without a database (tests, benchmarks). */
import type { IndicatorDef, PolicyFile, TargetDef } from '../../format/policy.js';
import type { ScheduleRow, TargetInput, TargetTerms, TargetVersion } from './types.js';

export const scheduleRows = (rows: TargetDef['schedule']): ScheduleRow[] =>
  rows.map((r) => ({
    jurisdiction: r.jurisdiction ?? null,
    year: r.year,
    value: r.value,
    comparator: r.comparator ?? null,
  }));

/** A target's figures as first written. */
export const targetTermsOf = (target: TargetDef): TargetTerms => ({
  value: target.value ?? null,
  comparator: target.comparator,
  deadline: target.deadline ?? null,
  schedule: scheduleRows(target.schedule),
});

/**
 * `corpus` is the read corpus (src/corpus/read.ts), of which only the indicators' units are needed
 * here; `versions` the target's later figures (src/corpus/engine-input.ts targetVersionsOf).
 */
export function targetInputOf(
  corpus: { indicators: ReadonlyMap<string, IndicatorDef> },
  policy: PolicyFile,
  target: TargetDef,
  versions: TargetVersion[] = [],
): TargetInput {
  return {
    key: target.key,
    policyKey: policy.key,
    clausePath: target.clause,
    quote: target.quote,
    summary: target.summary,
    indicator: { code: target.indicator, unit: corpus.indicators.get(target.indicator)!.unit },
    kind: target.kind,
    ...targetTermsOf(target),
    per: target.per,
    appliesTo: [...target.appliesTo].sort(), // as the database returns them
    benchmark: target.benchmark ?? null,
    jurisdiction: target.jurisdiction ?? policy.jurisdiction,
    baseline: target.baseline ?? null,
    from: target.from ?? null,
    to: target.to ?? null,
    policyEffectiveFrom: policy.effectiveFrom,
    versions,
  };
}

/** 每个县(市、区): the kinds that owe a per-jurisdiction figure when the document names none. */
const EACH_KINDS = new Set(['COUNTY', 'COUNTY_CITY', 'DISTRICT']);

/**
 * The districts a target is judged in, given its scope's children. Per jurisdiction: those it
 * names (`appliesTo`), else the scope's counties, county-level cities and districts. Otherwise:
 * those its schedule names, else the scope's children (whose counts may add up to the city's).
 */
export function districtsOfTarget(
  target: Pick<TargetInput, 'per' | 'appliesTo' | 'schedule' | 'versions'>,
  children: Array<{ code: string; kind: string }>,
): string[] {
  const perEach = target.per === 'EACH_JURISDICTION';
  const named = perEach ? target.appliesTo : scheduledDistricts(target);
  if (named.length) return named;
  return children.filter((j) => !perEach || EACH_KINDS.has(j.kind)).map((j) => j.code);
}

/** The districts a schedule names, in any version of the target's figures. */
export const scheduledDistricts = (target: Pick<TargetInput, 'schedule' | 'versions'>) => [
  ...new Set(
    [target, ...target.versions].flatMap((t) => t.schedule.flatMap((r) => (r.jurisdiction ? [r.jurisdiction] : []))),
  ),
];
