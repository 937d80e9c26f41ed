/**
 * The entitlement engine's input for a policy, built once from the validated policy file. The
 * loader stores it as it is (`Policy.engineInput`) and the corpus snapshot reads it back through
 * `policyInputDef`, the one typed parse of that column; golden tests and benchmarks use it directly.
 */
import { z } from 'zod';
import type { Citation, IncentiveTerms, PolicyInput, PolicyTerms, Version } from '../engines/entitlement/types.js';
import { scheduleRows, targetTermsOf } from '../engines/progress/corpus-input.js';
import type { ScheduleRow, TargetTerms, TargetVersion } from '../engines/progress/types.js';
import {
  clausePaths,
  comparators,
  conditionDef,
  incentiveTermKeys,
  payers,
  questionDef,
  recipientKinds,
  restatementDef,
  yuanRewards,
  type AmendmentDef,
  type IncentiveVersionDef,
  type PolicyFile,
  type PolicyVersionDef,
  type TargetDef,
  type TargetVersionDef,
} from '../format/policy.js';

/** A change of a policy made by a document, its own or an amending one. */
interface Change<T> {
  from: string;
  withdrawn: boolean;
  madeBy: Citation;
  set: Partial<T>;
}

/**
 * Complete versions from the first terms and the changes to them, oldest first: changes of one day
 * make one version citing each of them. A withdrawn incentive pays again only when a later change
 * sets its terms anew.
 */
function timeline<T extends object>(
  first: T,
  changes: Change<T>[],
  merge: (terms: T, set: Partial<T>) => T = (terms, set) => ({ ...terms, ...set }),
): Array<T & Version> {
  const days = [...new Set(changes.map((c) => c.from))].sort();
  let terms = first;
  let withdrawn = false;
  return days.map((from) => {
    const ofDay = changes.filter((c) => c.from === from);
    const set: Partial<T> = Object.assign({}, ...ofDay.map((c) => c.set));
    withdrawn = ofDay.some((c) => c.withdrawn) || (withdrawn && Object.keys(set).length === 0);
    terms = merge(terms, set);
    return { ...terms, from, withdrawn, madeBy: ofDay.map((c) => c.madeBy) };
  });
}

/** The fields of `item` among `keys` that it writes. */
export function written<T>(item: object, keys: ReadonlyArray<keyof T & string>): Partial<T> {
  const record = item as Record<string, unknown>;
  return Object.fromEntries(keys.filter((k) => record[k] !== undefined).map((k) => [k, record[k]])) as Partial<T>;
}

function incentiveChange(policyKey: string, v: IncentiveVersionDef | AmendmentDef): Change<IncentiveTerms> {
  return {
    from: v.from,
    withdrawn: v.withdrawn === true,
    madeBy: { policyKey, clausePath: v.clause, quote: v.quote },
    set: written<IncentiveTerms>(v, incentiveTermKeys),
  };
}

function policyChange(policyKey: string, v: PolicyVersionDef | AmendmentDef): Change<PolicyTerms> {
  const set: Partial<PolicyTerms> = written<PolicyTerms>(v, ['effectiveUntil', 'appliesTo']);
  if (v.fund) set.fund = { amountYuan: v.fund.amount, period: v.fund.period };
  return {
    from: v.from,
    withdrawn: v.withdrawn === true,
    madeBy: { policyKey, clausePath: v.clause, quote: v.quote },
    set,
  };
}

function targetChange(policyKey: string, v: TargetVersionDef | AmendmentDef): Change<TargetTerms> {
  const set: Partial<TargetTerms> = written<TargetTerms>(v, ['value', 'comparator', 'deadline']);
  if (v.schedule) set.schedule = scheduleRows(v.schedule);
  return { from: v.from, withdrawn: false, madeBy: { policyKey, clausePath: v.clause, quote: v.quote }, set };
}

const sameRow = (a: ScheduleRow, b: ScheduleRow) => a.jurisdiction === b.jurisdiction && a.year === b.year;

/** A version's schedule rows replace those of the same jurisdiction and year, or are added; rows stay by year. */
function mergeTargetTerms(terms: TargetTerms, set: Partial<TargetTerms>): TargetTerms {
  const rows = set.schedule;
  const schedule = rows
    ? [...terms.schedule.filter((r) => !rows.some((n) => sameRow(r, n))), ...rows].sort((a, b) => a.year - b.year)
    : terms.schedule;
  return { ...terms, ...set, schedule };
}

/** A target's later figures, complete, from its own versions and the amendments other documents make to it. */
export function targetVersionsOf(policy: PolicyFile, target: TargetDef, amendments: Amendment[] = []): TargetVersion[] {
  const changes = [
    ...target.versions.map((v) => targetChange(policy.key, v)),
    ...amendments.filter((a) => a.change.target === target.key).map((a) => targetChange(a.by, a.change)),
  ];
  // A target is never withdrawn (the format refuses it): a version is its figures and their clauses.
  return timeline(targetTermsOf(target), changes, mergeTargetTerms).map(({ withdrawn: _withdrawn, ...v }) => v);
}

/** A change an amending document makes to this policy: the amending policy's key and what it says. */
export interface Amendment {
  by: string;
  change: AmendmentDef;
}

/** The changes other documents of the corpus make to the policy `key`. */
export function amendmentsOf(policies: readonly PolicyFile[], key: string): Amendment[] {
  return policies.flatMap((p) => p.amends.filter((a) => a.policy === key).map((change) => ({ by: p.key, change })));
}

/** Every policy's engine input, each with the amendments the others make to it. */
export function policyInputsOf(policies: readonly PolicyFile[]): PolicyInput[] {
  return policies.map((p) => policyInputOf(p, amendmentsOf(policies, p.key)));
}

export function policyInputOf(policy: PolicyFile, amendments: Amendment[] = []): PolicyInput {
  const clauses = clausePaths(policy.clauses);
  const first: PolicyTerms = {
    appliesTo: policy.appliesTo,
    effectiveUntil: policy.effectiveUntil ?? null,
    fund: policy.fund ? { amountYuan: policy.fund.amount, period: policy.fund.period } : null,
  };
  const policyChanges = [
    ...policy.versions.map((v) => policyChange(policy.key, v)),
    ...amendments.filter((a) => !a.change.incentive && !a.change.target).map((a) => policyChange(a.by, a.change)),
  ];
  return {
    key: policy.key,
    title: policy.title,
    jurisdiction: policy.jurisdiction,
    ...first,
    effectiveFrom: policy.effectiveFrom,
    stacking: policy.stacking.rule,
    stackingClause:
      policy.stacking.clause && policy.stacking.quote
        ? { clause: policy.stacking.clause, quote: policy.stacking.quote }
        : null,
    mayReferTo: policy.mayReferTo,
    incentives: policy.incentives.map((i) => {
      const terms: IncentiveTerms = {
        levels: i.levels ?? [],
        recipients: i.recipients,
        rule: i.rule,
        cap: i.cap,
        payer: i.payer,
        provincialPart: i.provincialPart,
        conditions: i.conditions,
      };
      const changes = [
        ...i.versions.map((v) => incentiveChange(policy.key, v)),
        ...amendments.filter((a) => a.change.incentive === i.key).map((a) => incentiveChange(a.by, a.change)),
      ];
      return {
        key: i.key,
        clausePath: i.clause,
        clauseText: clauses.get(i.clause)?.text ?? '',
        quote: i.quote,
        achievementKind: i.achievement,
        ...terms,
        obtained: i.obtained,
        stageByLevel: i.stageByLevel,
        restatedIn: i.restatedIn,
        versions: timeline(terms, changes),
        questions: i.questions,
      };
    }),
    versions: timeline(first, policyChanges),
  };
}

const citation = z.strictObject({ policyKey: z.string(), clausePath: z.string(), quote: z.string() });
const version = { from: z.string(), withdrawn: z.boolean(), madeBy: z.array(citation) };

const incentiveTerms = {
  levels: z.array(z.string()),
  recipients: z.array(z.enum(recipientKinds)),
  rule: yuanRewards.rule,
  cap: yuanRewards.cap.optional(),
  payer: z.enum(payers).optional(),
  provincialPart: yuanRewards.provincialPart.optional(),
  conditions: z.array(conditionDef),
};
const policyTerms = {
  appliesTo: z.array(z.string()),
  effectiveUntil: z.string().nullable(),
  fund: z.strictObject({ amountYuan: z.number().int().nonnegative(), period: z.enum(['YEAR', 'TOTAL']) }).nullable(),
};

/** What policyInputOf builds, as stored: the same reward schemas as the policy file, over yuan. */
export const policyInputDef = z.strictObject({
  key: z.string(),
  title: z.string(),
  jurisdiction: z.string(),
  ...policyTerms,
  effectiveFrom: z.string(),
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
      ...incentiveTerms,
      obtained: z.enum(['NEW', 'HELD']),
      stageByLevel: z.boolean(),
      restatedIn: z.array(restatementDef),
      versions: z.array(z.strictObject({ ...incentiveTerms, ...version })),
      questions: z.array(questionDef).default([]),
    }),
  ),
  versions: z.array(z.strictObject({ ...policyTerms, ...version })),
}) satisfies z.ZodType<PolicyInput>;

/** A target's stored versions (`Target.versions`), as targetVersionsOf builds them. */
export const targetVersionsDef = z.array(
  z.strictObject({
    from: z.string(),
    madeBy: z.array(citation),
    value: z.number().nullable(),
    comparator: z.enum(comparators),
    deadline: z.string().nullable(),
    schedule: z.array(
      z.strictObject({
        jurisdiction: z.string().nullable(),
        year: z.number().int(),
        value: z.number(),
        comparator: z.enum(comparators).nullable(),
      }),
    ),
  }),
) satisfies z.ZodType<TargetVersion[]>;

/** A policy's stored engine input read back; one this version cannot read is named, never guessed at. */
export function readPolicyInput(policyKey: string, stored: unknown): PolicyInput {
  const parsed = policyInputDef.safeParse(stored);
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  throw new Error(
    `the stored engine input of policy ${policyKey} does not read as this version's (${issue?.path.join('.')}: ${issue?.message}): reload the policy files`,
  );
}
