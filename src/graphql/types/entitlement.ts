/**
 * Entitlements: what an enterprise is owed under each policy, computed on demand by the
 * entitlement engine, each with the clause, the rule and every step that shaped the amount.
 */
import { evaluateEnterprise, onlyPolicy, totalsOf } from '../../engines/entitlement/evaluate.js';
import { explainEntitlement, renderStep } from '../../i18n/trace.js';
import { languageArgs, namedMessagesOf } from '../language.js';
import type { Entitlement, Totals, TraceStep } from '../../engines/entitlement/types.js';
import { isoDay } from '../../dates/index.js';
import { toAchievementInput } from '../../scope/engine-inputs.js';
import { builder, type Types } from '../builder.js';
import type { Scope as Context } from '../../scope/scope.js';
import { userError } from '../errors.js';
import { phrase, valuesCodes } from '../../engines/message.js';
import { checkAchievement, simulatedAchievement } from '../../writes/achievement-input.js';
import { achievementMeasureFields, asOfDay, policyKeyOf } from '../arguments.js';
import { PayerEnum, RecipientKindEnum } from './enums.js';
import { incentiveRow, policyRow } from '../corpus-rows.js';
import { enterpriseSubject, type Subject } from '../../scope/subjects.js';
import { REFORMS, ReformInput, withReforms } from './reform.js';
import { nextTurn } from '../../loop/turns.js';

const EligibilityEnum = builder.enumType('Eligibility', {
  description: 'ELIGIBLE; INELIGIBLE (see reason); NEEDS_INFO (see missing): a missing fact is never taken as zero.',
  values: ['ELIGIBLE', 'INELIGIBLE', 'NEEDS_INFO'] as const,
});
const AmountNatureEnum = builder.enumType('AmountNature', {
  description:
    'EXACT: a sum owed. UP_TO: a maximum (最高), never owed as such. UNSPECIFIED: a reward with no sum (适当奖励). NON_MONETARY: a benefit that is not money.',
  values: ['EXACT', 'UP_TO', 'UNSPECIFIED', 'NON_MONETARY'] as const,
});
const DispositionEnum = builder.enumType('Disposition', {
  description:
    'COUNTED in totals; SUPERSEDED by a better reward for the same project (按最优一项执行); CONFLICT: two rules claim one achievement with no stated priority.',
  values: ['COUNTED', 'SUPERSEDED', 'CONFLICT'] as const,
});
const IneligibleReasonEnum = builder.enumType('IneligibleReason', {
  description:
    "Why an achievement earns nothing: OUT_OF_SCOPE (the enterprise's jurisdiction is not covered), RECIPIENT_KIND (not a recipient the clause names), OUTSIDE_WINDOW (obtained outside the policy's validity, 新获 only), NOT_YET_OBTAINED, LEVEL_NOT_REWARDED, CONDITION_NOT_MET (e.g. 满一年, 通过验收), RANK_NOT_REWARDED, CAP_EXHAUSTED (最高不超过 already reached), WITHDRAWN (the incentive or its policy was withdrawn before the achievement's day: 停止执行).",
  values: [
    'OUT_OF_SCOPE',
    'RECIPIENT_KIND',
    'OUTSIDE_WINDOW',
    'NOT_YET_OBTAINED',
    'LEVEL_NOT_REWARDED',
    'CONDITION_NOT_MET',
    'RANK_NOT_REWARDED',
    'CAP_EXHAUSTED',
    'WITHDRAWN',
  ] as const,
});

const TraceStepRef = builder.objectRef<TraceStep>('TraceStep').implement({
  description:
    "One step of the computation: a check, the rule's arithmetic, a cap or an exclusion, with the figure before and after.",
  fields: (t) => ({
    code: t.exposeString('code', {
      description:
        'A stable code for machines: SCOPE, WINDOW, RECIPIENT, CONDITION, RULE, TIER, PER_UNIT, CAP, SUPERSEDED …',
    }),
    text: t.string({
      description: "The step in words, for an officer, in the request's language.",
      args: languageArgs,
      resolve: async (s, { language }, ctx) => renderStep(s, await namedMessagesOf(language, ctx)),
    }),
    values: t.field({
      type: 'JSON',
      description:
        "What the step reads, for machines: amounts in integer yuan (names ending in Yuan), days, codes and keys, the document's own words, and `case` for a variant of the step.",
      resolve: (s) => valuesCodes(s.values),
    }),
    before: t.field({
      type: 'SafeInt',
      nullable: true,
      description: 'The amount in integer yuan before this step, where the step changes one (a cap, a lost project).',
      resolve: (s) => s.before ?? null,
    }),
    after: t.field({
      type: 'SafeInt',
      nullable: true,
      description: 'The amount in integer yuan this step arrives at; null for a check.',
      resolve: (s) => s.after ?? null,
    }),
  }),
});

export const EntitlementRef = builder.objectRef<Entitlement>('Entitlement').implement({
  description: 'What one incentive of one policy gives for one achievement, and why.',
  fields: (t) => ({
    policy: t.prismaField({
      type: 'Policy',
      description: 'The policy whose incentive this is.',
      resolve: async (query, e, _args, ctx) =>
        policyRow(ctx, query, (await ctx.loaders.enginePolicies()).policyIdByKey.get(e.policyKey)!),
    }),
    incentive: t.prismaField({
      type: 'Incentive',
      nullable: true,
      description: 'The incentive that gives it; null for an incentive a reform adds (it is not stored).',
      resolve: async (query, e, _args, ctx) => {
        const id = (await ctx.loaders.enginePolicies()).incentiveIdByKey.get(`${e.policyKey}/${e.incentiveKey}`);
        return id === undefined ? null : incentiveRow(ctx, query, id);
      },
    }),
    policyKey: t.exposeString('policyKey', { description: 'The key of the policy, e.g. "taizhou-2017-quality".' }),
    incentiveKey: t.exposeString('incentiveKey', { description: 'The key of the incentive within its policy.' }),
    clausePath: t.exposeString('clausePath', {
      description: 'Path of the clause that promises the reward, e.g. "二/(四)".',
    }),
    clauseText: t.exposeString('clauseText', { description: "The clause's original text (原文)." }),
    quote: t.exposeString('quote', { description: 'The sentence that promises the reward.' }),
    achievementId: t.exposeString('achievementId', {
      description: 'The achievement it is for (the stored id, or the index of a simulated one).',
    }),
    year: t.exposeInt('year', {
      nullable: true,
      description: 'The year the achievement was obtained (for yearly caps and reports); null when its day is unknown.',
    }),
    eligibility: t.expose('eligibility', {
      type: EligibilityEnum,
      description: 'ELIGIBLE, INELIGIBLE (see reason) or NEEDS_INFO (see missing).',
    }),
    reason: t.expose('reason', {
      type: IneligibleReasonEnum,
      nullable: true,
      description: 'Why it is INELIGIBLE; null otherwise.',
    }),
    missing: t.exposeStringList('missing', { description: 'Inputs that would decide a NEEDS_INFO answer.' }),
    nature: t.expose('nature', {
      type: AmountNatureEnum,
      description:
        'What the amount means: EXACT (a sum owed), UP_TO (a maximum, 最高), UNSPECIFIED (适当奖励) or NON_MONETARY.',
    }),
    amountYuan: t.expose('amountYuan', {
      type: 'SafeInt',
      nullable: true,
      description: 'The amount in integer yuan (元): the sum for EXACT, the maximum (最高) for UP_TO, null otherwise.',
    }),
    payer: t.expose('payer', {
      type: PayerEnum,
      nullable: true,
      description: 'Who pays, where the document names it (市财政, 受益财政 …); null where it does not.',
    }),
    provincialPartYuan: t.expose('provincialPartYuan', {
      type: 'SafeInt',
      nullable: true,
      description:
        "在省…基础上: the province's own part in integer yuan, shown beside the city's reward and never counted in totals; null where there is none.",
    }),
    disposition: t.expose('disposition', {
      type: DispositionEnum,
      description:
        'COUNTED in totals, SUPERSEDED by a better reward for the same project (按最优一项执行), or in CONFLICT with another rule.',
    }),
    relatedIncentiveKey: t.string({
      nullable: true,
      description: 'For SUPERSEDED and CONFLICT: the key of the incentive of the entitlement that won or clashed.',
      resolve: (e) => e.relatedTo?.incentiveKey ?? null,
    }),
    relatedAchievementId: t.string({
      nullable: true,
      description: 'For SUPERSEDED and CONFLICT: the achievement of the entitlement that won or clashed.',
      resolve: (e) => e.relatedTo?.achievementId ?? null,
    }),
    steps: t.field({
      type: [TraceStepRef],
      description:
        "Every step that shaped the answer, in order: the checks, the rule's arithmetic, caps and exclusions.",
      resolve: (e) => e.steps,
    }),
    explanation: t.string({
      description: "The whole trace as text, in the request's language.",
      args: languageArgs,
      resolve: async (e, { language }, ctx) => explainEntitlement(e, await namedMessagesOf(language, ctx)),
    }),
  }),
});

/** Amounts and counts by nature, the same in an enterprise's totals and in a report's groups. */
export const totalsFields = (t: PothosSchemaTypes.ObjectFieldBuilder<Types, Totals>) => ({
  exactYuan: t.expose('exactYuan', {
    type: 'SafeInt',
    description: 'Money owed: counted EXACT amounts, in integer yuan.',
  }),
  upToYuan: t.expose('upToYuan', {
    type: 'SafeInt',
    description: 'Counted UP_TO maxima (最高), in integer yuan: exposure, not owed.',
  }),
  unspecifiedCount: t.exposeInt('unspecifiedCount', {
    description: 'Counted rewards promised with no sum (适当奖励).',
  }),
  nonMonetaryCount: t.exposeInt('nonMonetaryCount', { description: 'Counted benefits that are not money.' }),
  needsInfoCount: t.exposeInt('needsInfoCount', {
    description: 'Entitlements that cannot be decided without more facts (NEEDS_INFO).',
  }),
  conflictCount: t.exposeInt('conflictCount', {
    description: 'Eligible entitlements in CONFLICT: two rules claim one achievement with no stated priority.',
  }),
});

export const TotalsRef = builder.objectRef<Totals>('EntitlementTotals').implement({
  description: 'Totals by nature: a ceiling or an unspecified reward is never added to money owed.',
  fields: totalsFields,
});

export interface EntitlementReport {
  entitlements: Entitlement[];
  totals: Totals;
  /** What the entitlements were computed from, read only when a field asks (questions). */
  subject?: () => Promise<Subject | null>;
  /** The entitlements the report's total is of, where it keeps some of the subject's (one achievement's). */
  counts?: (e: Entitlement) => boolean;
}

export const EntitlementReportRef = builder.objectRef<EntitlementReport>('EntitlementReport').implement({
  description: 'Entitlements, each with its clause and trace, and their totals.',
  fields: (t) => ({
    entitlements: t.field({
      type: [EntitlementRef],
      description:
        'One per incentive and achievement of the kind (and level) it rewards: eligible, ineligible or undecided, each with the why.',
      resolve: (r) => r.entitlements,
    }),
    totals: t.field({
      type: TotalsRef,
      description: 'Their totals by nature; only counted entitlements add to money.',
      resolve: (r) => r.totals,
    }),
  }),
});

export const reportOf = (
  entitlements: Entitlement[],
  subject?: EntitlementReport['subject'],
  counts?: EntitlementReport['counts'],
): EntitlementReport => ({ entitlements, totals: totalsOf(entitlements), subject, counts });

builder.prismaObjectField('Enterprise', 'entitlements', (t) =>
  t.field({
    type: EntitlementReportRef,
    description: 'What each policy entitles this enterprise to, as of a date (default: today).',
    args: {
      asOf: t.arg({ type: 'Date' }),
      policy: t.arg.id({ description: 'Only this policy.' }),
      reforms: t.arg({ type: [ReformInput], description: REFORMS }),
    },
    select: { id: true, kind: true, jurisdictionId: true },
    resolve: async (enterprise, { asOf, policy, reforms }, request) => {
      const ctx = await withReforms(request, reforms);
      await ctx.loaders.enterpriseRow(enterprise); // primes the engine's read of it with this row
      const [day, policyKey] = [asOfDay(asOf), await policyKeyOf(ctx, policy)];
      const entitlements = await ctx.loaders.entitlements.load({ enterpriseId: enterprise.id, asOf: day, policyKey });
      await nextTurn(); // a page's subtrees completed one turn at a time, not all at once
      return reportOf(entitlements, () => enterpriseSubject(ctx.loaders, enterprise.id, day, policyKey));
    },
  }),
);

builder.prismaObjectField('Achievement', 'entitlements', (t) =>
  t.field({
    type: EntitlementReportRef,
    description:
      "What this achievement is worth under each policy, as of a date: computed with the enterprise's other achievements, so caps and best-of-project apply.",
    args: { asOf: t.arg({ type: 'Date' }), policy: t.arg.id({ description: 'Only this policy.' }) },
    select: { id: true, enterpriseId: true },
    resolve: async (achievement, { asOf, policy }, ctx) => {
      const [day, policyKey] = [asOfDay(asOf), await policyKeyOf(ctx, policy)];
      const all = await ctx.loaders.entitlements.load({ enterpriseId: achievement.enterpriseId, asOf: day, policyKey });
      await nextTurn();
      const own = (e: Entitlement) => e.achievementId === String(achievement.id);
      return reportOf(
        all.filter(own),
        () => enterpriseSubject(ctx.loaders, achievement.enterpriseId, day, policyKey),
        own,
      );
    },
  }),
);

export const SimulatedAchievementInput = builder.inputType('SimulatedAchievementInput', {
  description: 'A hypothetical achievement: only what the rules need.',
  fields: (t) => ({
    kind: t.string({ required: true, description: 'An achievement kind code, e.g. CHINA_QUALITY_AWARD.' }),
    level: t.string({ description: 'A level code of that kind, e.g. WINNER.' }),
    obtainedOn: t.field({ type: 'Date', description: 'Unknown dates give NEEDS_INFO.' }),
    ...achievementMeasureFields(t),
    facts: t.stringList({ description: 'Facts attested true, e.g. ["ACCEPTANCE_PASSED"].' }),
    refutedFacts: t.stringList({ description: 'Facts known to be false.' }),
  }),
});

type SimulatedAchievement = typeof SimulatedAchievementInput.$inferInput;

/**
 * Checks hypothetical achievements as recorded and imported ones are (src/writes/achievement-input.ts);
 * the first problem is a typed error naming its field.
 */
export async function simulatedAchievements(
  ctx: Context,
  inputs: SimulatedAchievement[],
  pathOf: (index: number) => string,
) {
  const kinds = await ctx.loaders.kinds();
  return inputs.map(({ facts, refutedFacts, ...a }, index) => {
    const attested = Object.fromEntries([
      ...(refutedFacts ?? []).map((f) => [f, false] as const),
      ...(facts ?? []).map((f) => [f, true] as const),
    ]);
    const checked = checkAchievement(
      simulatedAchievement,
      { ...a, obtainedOn: a.obtainedOn && isoDay(a.obtainedOn), facts: attested },
      kinds,
    );
    if ('issues' in checked) {
      const [issue] = checked.issues;
      throw userError(issue!.code, `${pathOf(index)}.${issue!.field}`, issue!.phrase);
    }
    return toAchievementInput(
      String(index),
      checked.value.kind,
      { ...checked.value, obtainedOn: a.obtainedOn },
      attested,
    );
  });
}

export const SimulationInput = builder.inputType('SimulationInput', {
  description: 'A what-if: an enterprise of some kind in some jurisdiction, with hypothetical achievements.',
  fields: (t) => ({
    jurisdiction: t.string({
      required: true,
      description: "The enterprise's jurisdiction code, e.g. zj-taizhou-jiaojiang.",
    }),
    recipientKind: t.field({
      type: RecipientKindEnum,
      defaultValue: 'ENTERPRISE',
      description: 'What kind of recipient the enterprise is.',
    }),
    achievements: t.field({
      type: [SimulatedAchievementInput],
      required: true,
      description:
        "The hypothetical achievements; an entitlement's achievementId is the index of its achievement here.",
    }),
    asOf: t.field({ type: 'Date', description: 'Compute as of this day. Default: today.' }),
    policy: t.id({ description: 'Only this policy.' }),
    reforms: t.field({ type: [ReformInput], description: REFORMS }),
  }),
});

/** The hypothetical enterprise a simulation describes, checked as a recorded one is; bad input is a typed error. */
export async function simulatedSubject(ctx: Context, input: typeof SimulationInput.$inferInput): Promise<Subject> {
  const jurisdiction = (await ctx.loaders.jurisdictions()).find((j) => j.code === input.jurisdiction);
  if (!jurisdiction)
    throw userError(
      'INVALID_ARGUMENT',
      'input.jurisdiction',
      phrase('error.UNKNOWN_JURISDICTION', { code: input.jurisdiction }),
    );
  const achievements = await simulatedAchievements(ctx, input.achievements, (i) => `input.achievements[${i}]`);
  const [{ policies }, policyKey, jurisdictionPath] = await Promise.all([
    ctx.loaders.enginePolicies(),
    policyKeyOf(ctx, input.policy, 'input.policy'),
    ctx.loaders.jurisdictionPath.load(jurisdiction.id),
  ]);
  return {
    policies: onlyPolicy(policies, policyKey),
    enterprise: { id: 'simulated', kind: input.recipientKind ?? 'ENTERPRISE', jurisdictionPath },
    achievements,
    asOf: asOfDay(input.asOf),
  };
}

builder.queryField('simulateEntitlements', (t) =>
  t.field({
    type: EntitlementReportRef,
    description: 'The policy calculator: entitlements for hypothetical achievements, computed and not stored.',
    args: { input: t.arg({ type: SimulationInput, required: true }) },
    resolve: async (_root, { input }, request) => {
      const ctx = await withReforms(request, input.reforms, 'input.reforms');
      const subject = await simulatedSubject(ctx, input);
      return reportOf(
        evaluateEnterprise(subject.policies, subject.enterprise, subject.achievements, subject.asOf),
        async () => subject,
      );
    },
  }),
);
