/** A policy file's target as the progress engine's input, without a database (tests, benchmarks). */
import type { IndicatorDef, PolicyFile, TargetDef } from '../../format/policy.js';
import type { TargetInput } from './types.js';

/** `corpus` is the read corpus (src/corpus/read.ts), of which only the indicators' units are needed here. */
export function targetInputOf(
  corpus: { indicators: ReadonlyMap<string, IndicatorDef> },
  policy: PolicyFile,
  target: TargetDef,
): TargetInput {
  return {
    key: target.key,
    policyKey: policy.key,
    clausePath: target.clause,
    quote: target.quote,
    summary: target.summary,
    indicator: { code: target.indicator, unit: corpus.indicators.get(target.indicator)!.unit },
    kind: target.kind,
    comparator: target.comparator,
    per: target.per,
    appliesTo: [...target.appliesTo].sort(), // as the database returns them
    value: target.value ?? null,
    benchmark: target.benchmark ?? null,
    jurisdiction: target.jurisdiction ?? policy.jurisdiction,
    baseline: target.baseline ?? null,
    from: target.from ?? null,
    to: target.to ?? null,
    deadline: target.deadline ?? null,
    schedule: target.schedule.map((r) => ({
      jurisdiction: r.jurisdiction ?? null,
      year: r.year,
      value: r.value,
      comparator: r.comparator ?? null,
    })),
    policyEffectiveFrom: policy.effectiveFrom,
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
  target: Pick<TargetInput, 'per' | 'appliesTo' | 'schedule'>,
  children: Array<{ code: string; kind: string }>,
): string[] {
  const perEach = target.per === 'EACH_JURISDICTION';
  const named = perEach ? target.appliesTo : scheduledDistricts(target);
  if (named.length) return named;
  return children.filter((j) => !perEach || EACH_KINDS.has(j.kind)).map((j) => j.code);
}

export const scheduledDistricts = (target: Pick<TargetInput, 'schedule'>) => [
  ...new Set(target.schedule.flatMap((r) => (r.jurisdiction ? [r.jurisdiction] : []))),
];
