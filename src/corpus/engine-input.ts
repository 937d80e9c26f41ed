/** A policy file as the entitlement engine's input, without a database (golden tests, benchmarks). */
import type { PolicyInput } from '../engines/entitlement/types.js';
import { clausePaths, type PolicyFile } from '../format/policy.js';

export function policyInputOf(policy: PolicyFile): PolicyInput {
  const clauses = clausePaths(policy.clauses);
  return {
    key: policy.key,
    title: policy.title,
    jurisdiction: policy.jurisdiction,
    appliesTo: policy.appliesTo,
    effectiveFrom: policy.effectiveFrom,
    effectiveUntil: policy.effectiveUntil ?? null,
    stacking: policy.stacking.rule,
    incentives: policy.incentives.map((i) => ({
      key: i.key,
      clausePath: i.clause,
      clauseText: clauses.get(i.clause)?.text ?? '',
      quote: i.quote,
      achievementKind: i.achievement,
      levels: i.levels ?? [],
      recipients: i.recipients,
      rule: i.rule,
      cap: i.cap,
      payer: i.payer,
      provincialPart: i.provincialPart,
      conditions: i.conditions,
      obtained: i.obtained,
      stageByLevel: i.stageByLevel,
      restatedIn: i.restatedIn,
    })),
  };
}
