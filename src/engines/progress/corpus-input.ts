/** A policy file's target as the progress engine's input, without a database (tests, benchmarks). */
import type { PolicyFile, TargetDef } from '../../corpus/format.js';
import type { Corpus } from '../../corpus/read.js';
import type { TargetInput } from './types.js';

export function targetInputOf(corpus: Corpus, policy: PolicyFile, target: TargetDef): TargetInput {
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
