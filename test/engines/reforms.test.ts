/**
 * Reforms in the engine (src/engines/entitlement/reforms.ts), over every policy of the corpus: a
 * reform restating every figure and term as the files state them changes no entitlement, and applying
 * reforms never modifies the policies it was given (another request's corpus).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../src/engines/entitlement/evaluate.js';
import { applyReforms, type ReformDef } from '../../src/engines/entitlement/reforms.js';
import type { IncentiveInput, PolicyInput } from '../../src/engines/entitlement/types.js';
import { corpus, entitlementCaseArb, policyInputs } from '../support/engine-samples.js';

const vocabulary = {
  levelsOfKind: new Map([...corpus.achievementKinds].map(([code, kind]) => [code, kind.levels.map((l) => l.code)])),
  jurisdictions: new Set(corpus.jurisdictions.keys()),
};

/** Every figure of the incentive's first terms as written, with its cap, recipients, levels and conditions. */
function restating(policy: PolicyInput, incentive: IncentiveInput): ReformDef {
  const { rule } = incentive;
  const amounts = (list?: Array<{ amount: number }>) => list?.map((t) => t.amount);
  const figures: Partial<ReformDef> =
    rule.kind === 'FIXED'
      ? { amount: rule.amount }
      : rule.kind === 'TIERED'
        ? { tiers: amounts(rule.tiers) }
        : rule.kind === 'PER_UNIT'
          ? { amount: rule.amount, tiers: amounts(rule.tiers) }
          : rule.kind === 'CEILING'
            ? { amount: rule.max, tiers: amounts(rule.tiers) }
            : rule.kind === 'FIRST_PLUS_INCREMENT'
              ? { first: rule.first, increment: rule.increment }
              : rule.kind === 'PERCENTAGE'
                ? { percent: rule.percent }
                : rule.kind === 'RANK'
                  ? { base: rule.base, bands: amounts(rule.bands) }
                  : {};
  return {
    policy: policy.key,
    incentive: incentive.key,
    ...figures,
    cap: incentive.cap ?? null,
    recipients: incentive.recipients,
    levels: incentive.levels.length ? incentive.levels : null,
    conditions: incentive.conditions,
  };
}

describe('reforms', () => {
  it('restating every incentive and the policy’s terms changes no entitlement (generated)', () => {
    fc.assert(
      fc.property(entitlementCaseArb, ({ policy, enterprise, achievements, asOf }) => {
        const reforms = [
          ...policy.incentives.filter((i) => i.versions.length === 0).map((i) => restating(policy, i)),
          {
            policy: policy.key,
            fund: policy.fund ? { amount: policy.fund.amountYuan, period: policy.fund.period } : null,
            effectiveUntil: policy.effectiveUntil ?? null,
            appliesTo: policy.appliesTo.length ? policy.appliesTo : null,
            stacking: policy.stacking,
          },
        ];
        const reformed = applyReforms([policy], reforms, vocabulary);
        if (!reformed.ok) throw new Error(JSON.stringify(reformed.issue));
        const [again] = reformed.policies;
        expect(evaluatePolicy(again!, enterprise, achievements, asOf)).toEqual(
          evaluatePolicy(policy, enterprise, achievements, asOf),
        );
      }),
      { seed: 2010, numRuns: 300 },
    );
  });

  it('never modifies the policies it is given, and a raised figure shows in the reformed copy only (generated)', () => {
    const tiered = policyInputs.flatMap((p) =>
      p.incentives.filter((i) => i.rule.kind === 'TIERED').map((i) => ({ policy: p, incentive: i })),
    );
    fc.assert(
      fc.property(fc.constantFrom(...tiered), fc.nat(10_000_000), ({ policy, incentive }, raise) => {
        const before = structuredClone(policyInputs);
        const tiers = incentive.rule.kind === 'TIERED' ? incentive.rule.tiers.map((t) => t.amount + raise) : [];
        const reformed = applyReforms(
          policyInputs,
          [{ policy: policy.key, incentive: incentive.key, tiers }],
          vocabulary,
        );
        expect(policyInputs).toEqual(before);
        if (!reformed.ok) throw new Error(JSON.stringify(reformed.issue));
        const changed = reformed.policies
          .find((p) => p.key === policy.key)!
          .incentives.find((i) => i.key === incentive.key)!;
        expect(changed.rule).toEqual({
          kind: 'TIERED',
          tiers:
            incentive.rule.kind === 'TIERED' ? incentive.rule.tiers.map((t, i) => ({ ...t, amount: tiers[i] })) : [],
        });
      }),
      { seed: 2011, numRuns: 100 },
    );
  });
});
