/**
 * The entitlement engine's input for a policy, built once from the validated policy file. The
 * loader stores it as it is (`Policy.engineInput`) and the corpus snapshot reads it back through
 * `policyInputDef`, the one typed parse of that column; golden tests and benchmarks use it directly.
 */
import { z } from 'zod';
import type { PolicyInput } from '../engines/entitlement/types.js';
import {
  clausePaths,
  conditionDef,
  payers,
  recipientKinds,
  restatementDef,
  rewardDefs,
  type PolicyFile,
} from '../format/policy.js';

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
    stackingClause:
      policy.stacking.clause && policy.stacking.quote
        ? { clause: policy.stacking.clause, quote: policy.stacking.quote }
        : null,
    mayReferTo: policy.mayReferTo,
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

/** Once read, amounts are integer yuan. */
const stored = rewardDefs(z.number().int().nonnegative());

/** What policyInputOf builds, as stored: the same reward schemas as the policy file, over yuan. */
export const policyInputDef = z.strictObject({
  key: z.string(),
  title: z.string(),
  jurisdiction: z.string(),
  appliesTo: z.array(z.string()),
  effectiveFrom: z.string(),
  effectiveUntil: z.string().nullable(),
  stacking: z.enum(['ADDITIVE', 'BEST_SINGLE_PER_PROJECT']),
  // Inputs stored before these were kept read without them (the wording only, never a figure, differs).
  stackingClause: z.strictObject({ clause: z.string(), quote: z.string() }).nullable().default(null),
  mayReferTo: z.array(z.string()).default([]),
  incentives: z.array(
    z.strictObject({
      key: z.string(),
      clausePath: z.string(),
      clauseText: z.string(),
      quote: z.string(),
      achievementKind: z.string(),
      levels: z.array(z.string()),
      recipients: z.array(z.enum(recipientKinds)),
      rule: stored.rule,
      cap: stored.cap.optional(),
      payer: z.enum(payers).optional(),
      provincialPart: stored.provincialPart.optional(),
      conditions: z.array(conditionDef),
      obtained: z.enum(['NEW', 'HELD']),
      stageByLevel: z.boolean(),
      restatedIn: z.array(restatementDef),
    }),
  ),
}) satisfies z.ZodType<PolicyInput>;

/** A policy's stored engine input read back; one this version cannot read is named, never guessed at. */
export function readPolicyInput(policyKey: string, stored: unknown): PolicyInput {
  const parsed = policyInputDef.safeParse(stored);
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  throw new Error(
    `the stored engine input of policy ${policyKey} does not read as this version's (${issue?.path.join('.')}: ${issue?.message}): reload the policy files`,
  );
}
