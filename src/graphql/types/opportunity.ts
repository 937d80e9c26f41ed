/**
 * Opportunities (政策匹配: what an enterprise could still obtain, and what it would be worth given
 * what it has) and the questions of a NEEDS_INFO answer (the inputs that change the total most),
 * both computed by the entitlement engine (src/engines/entitlement/opportunities.ts, questions.ts).
 */
import {
  findOpportunities,
  type Opportunity,
  type OpportunityFilter,
} from '../../engines/entitlement/opportunities.js';
import { rankQuestions, type Question } from '../../engines/entitlement/questions.js';
import { phrase } from '../../engines/message.js';
import { dateOf } from '../../dates/index.js';
import { explainOpportunity } from '../../i18n/trace.js';
import type { Scope as Context } from '../../scope/scope.js';
import { enterpriseSubject, type Subject } from '../../scope/subjects.js';
import { MAX_COUNT } from '../../writes/achievement-input.js';
import { MAX_YUAN } from '../../writes/common.js';
import { asOfDay, policyKeyOf } from '../arguments.js';
import { builder } from '../builder.js';
import { WHAT_IF_COST } from '../limits.js';
import { userError } from '../errors.js';
import { languageArgs, messagesOf, namedMessagesOf } from '../language.js';
import { EntitlementRef, EntitlementReportRef, SimulationInput, simulatedSubject } from './entitlement.js';
import { PayerEnum } from './enums.js';
import { CitationRef } from './version.js';

const OpportunityFilterInput = builder.inputType('OpportunityFilter', {
  description: 'Which opportunities to list: all when a list is absent or empty.',
  fields: (t) => ({
    kinds: t.stringList({ description: 'Only achievements of these kinds (codes, e.g. ZHEJIANG_MADE_CERTIFICATION).' }),
    levels: t.stringList({ description: 'Only achievements of these levels (codes, e.g. NATIONAL).' }),
  }),
});

/** The filter's codes checked against the vocabulary: an unknown one is NOT_FOUND (HTTP 400), naming its place. */
async function checkedFilter(ctx: Context, filter: OpportunityFilter | null | undefined, field: string) {
  const kinds = await ctx.loaders.kinds();
  const levels = new Set([...kinds.values()].flatMap((k) => k.levels));
  const refuse = (at: string, id: string, code: string) => {
    const error = userError('NOT_FOUND', at, phrase(id, { code }));
    error.extensions.http = { status: 400 };
    return error;
  };
  for (const [i, code] of (filter?.kinds ?? []).entries())
    if (!kinds.has(code)) throw refuse(`${field}.kinds[${i}]`, 'error.UNKNOWN_KIND', code);
  for (const [i, code] of (filter?.levels ?? []).entries())
    if (!levels.has(code)) throw refuse(`${field}.levels[${i}]`, 'error.UNKNOWN_LEVEL', code);
  return filter ?? {};
}

const OpportunityAchievementRef = builder.objectRef<Opportunity['achievement']>('OpportunityAchievement').implement({
  description:
    'The achievement an opportunity adds, as it would be recorded (or simulated) to obtain what the opportunity says.',
  fields: (t) => ({
    kind: t.exposeString('kind', { description: 'Its achievement kind code.' }),
    level: t.string({
      nullable: true,
      description: 'Its level code; null for a kind rewarded whatever the level.',
      resolve: (a) => a.level ?? null,
    }),
    obtainedOn: t.field({
      type: 'Date',
      description: 'The day asked: obtained then.',
      resolve: (a) => dateOf(a.obtainedOn!),
    }),
    units: t.int({
      nullable: true,
      description: 'One unit for a rule counted per unit; null otherwise.',
      resolve: (a) => a.units ?? null,
    }),
    rank: t.int({
      nullable: true,
      description: "For a rank rule: the band's lowest rank (前10: 10).",
      resolve: (a) => a.rank ?? null,
    }),
    projectKey: t.string({
      nullable: true,
      description:
        'For an upgrade: the project of the achievement it upgrades (its projectKey, or achievement:<id> for one recorded without), so 按最优一项执行 compares the two.',
      resolve: (a) => a.projectKey ?? null,
    }),
    facts: t.stringList({
      description: 'The facts the sentence requires, taken as attested: the opportunity holds only if they are.',
      resolve: (a) => Object.keys(a.facts ?? {}),
    }),
  }),
});

const OpportunityWindowRef = builder.objectRef<Opportunity['window']>('OpportunityWindow').implement({
  description: "The policy's window as in force on the day asked.",
  fields: (t) => ({
    from: t.field({ type: 'Date', description: 'Its first day.', resolve: (w) => dateOf(w.from) }),
    until: t.field({
      type: 'Date',
      nullable: true,
      description: 'Its last day; null while the document sets none.',
      resolve: (w) => (w.until ? dateOf(w.until) : null),
    }),
    daysLeft: t.exposeInt('daysLeft', {
      nullable: true,
      description: 'Days from the day asked to the last day (0: the last day); null while open-ended.',
    }),
  }),
});

const OpportunityVersionRef = builder.objectRef<Opportunity['version']>('OpportunityVersion').implement({
  description: 'The version of the incentive in force on the day asked.',
  fields: (t) => ({
    from: t.field({ type: 'Date', description: 'The day it came into force.', resolve: (v) => dateOf(v.from) }),
    madeBy: t.field({
      type: [CitationRef],
      description: 'The clauses (and sentences) that made it.',
      resolve: (v) => v.madeBy,
    }),
  }),
});

const own = (o: Opportunity) => o.entitlements[0]!;

const OpportunityRef = builder.objectRef<Opportunity>('Opportunity').implement({
  description:
    'An incentive the enterprise is covered by and could still obtain (again, for a per-unit rule; a tier above one held), valued by the engine as its totals with one more achievement minus its totals now: caps already used, 按最优一项执行 and the tier held are in the figure.',
  fields: (t) => ({
    policyKey: t.exposeString('policyKey', { description: 'The policy whose incentive it is.' }),
    incentiveKey: t.exposeString('incentiveKey', { description: 'The incentive, within its policy.' }),
    clausePath: t.string({
      description: 'The clause that promises it, e.g. "二/(四)".',
      resolve: (o) => own(o).clausePath,
    }),
    clauseText: t.string({ description: "The clause's original text (原文).", resolve: (o) => own(o).clauseText }),
    quote: t.string({ description: 'The sentence that promises it.', resolve: (o) => own(o).quote }),
    payer: t.field({
      type: PayerEnum,
      nullable: true,
      description: 'Who pays, where the document names it.',
      resolve: (o) => own(o).payer,
    }),
    achievement: t.expose('achievement', {
      type: OpportunityAchievementRef,
      description: 'The achievement it takes.',
    }),
    upgrades: t.exposeString('upgrades', {
      nullable: true,
      description: 'For a tier above one held: the achievement it upgrades.',
    }),
    valueYuan: t.field({
      type: 'SafeInt',
      description:
        "What it adds to the enterprise's money owed (counted EXACT amounts), in integer yuan: 0 when a cap is used up or a better reward of its project stands.",
      resolve: (o) => o.gain.exactYuan,
    }),
    upToYuan: t.field({
      type: 'SafeInt',
      description: 'What it adds to counted maxima (最高), in integer yuan.',
      resolve: (o) => o.gain.upToYuan,
    }),
    unspecifiedCount: t.int({
      description: 'Rewards promised with no sum (适当奖励) it adds.',
      resolve: (o) => o.gain.unspecifiedCount,
    }),
    nonMonetaryCount: t.int({
      description: 'Benefits that are not money it adds.',
      resolve: (o) => o.gain.nonMonetaryCount,
    }),
    furtherUnitYuan: t.field({
      type: 'SafeInt',
      nullable: true,
      description:
        'For a rule counted per unit: what one more unit after this one would add (0 once a cap is reached); null otherwise.',
      resolve: (o) => o.furtherUnitYuan,
    }),
    payableOn: t.field({
      type: 'Date',
      description: 'The day it pays: the day asked, or once a duration the sentence sets (满一年) has passed.',
      resolve: (o) => dateOf(o.payableOn),
    }),
    window: t.expose('window', { type: OpportunityWindowRef, description: 'How long the policy is still open.' }),
    version: t.expose('version', {
      type: OpportunityVersionRef,
      description: 'The version of the incentive in force.',
    }),
    entitlement: t.field({
      type: EntitlementRef,
      description: 'What its incentive would give for the achievement, with every step.',
      resolve: own,
    }),
    entitlements: t.expose('entitlements', {
      type: [EntitlementRef],
      description: 'Everything the achievement would earn, under this incentive first and any other that rewards it.',
    }),
    explanation: t.string({
      description: "The opportunity and its trace as text, in the request's language.",
      args: languageArgs,
      resolve: async (o, { language }, ctx) => explainOpportunity(o, await namedMessagesOf(language, ctx)),
    }),
  }),
});

const opportunitiesOf = (subject: Subject, filter: OpportunityFilter) =>
  findOpportunities(subject.policies, subject.enterprise, subject.achievements, subject.asOf, filter);

builder.prismaObjectField('Enterprise', 'opportunities', (t) =>
  t.field({
    type: [OpportunityRef],
    description:
      'What this enterprise could still obtain as of a date (default: today), largest value first: policies that cover it, windows open that day.',
    args: {
      asOf: t.arg({ type: 'Date' }),
      policy: t.arg.id({ description: 'Only this policy.' }),
      filter: t.arg({ type: OpportunityFilterInput }),
    },
    select: { id: true, kind: true, jurisdictionId: true },
    extensions: { cost: WHAT_IF_COST },
    resolve: async (enterprise, { asOf, policy, filter }, ctx) => {
      await ctx.loaders.enterpriseRow(enterprise);
      const checked = await checkedFilter(ctx, filter, 'filter');
      const subject = await enterpriseSubject(
        ctx.loaders,
        enterprise.id,
        asOfDay(asOf),
        await policyKeyOf(ctx, policy),
      );
      return subject ? opportunitiesOf(subject, checked) : [];
    },
  }),
);

builder.queryField('simulateOpportunities', (t) =>
  t.field({
    type: [OpportunityRef],
    description:
      "simulateEntitlements' profile (the same input), asked what it could still obtain: largest value first, nothing stored.",
    args: { input: t.arg({ type: SimulationInput, required: true }), filter: t.arg({ type: OpportunityFilterInput }) },
    extensions: { cost: WHAT_IF_COST },
    resolve: async (_root, { input, filter }, ctx) => {
      const checked = await checkedFilter(ctx, filter, 'filter');
      return opportunitiesOf(await simulatedSubject(ctx, input), checked);
    },
  }),
);

const QuestionRef = builder.objectRef<Question>('Question').implement({
  description:
    "An input a NEEDS_INFO entitlement is missing, with how much the total can change with its answer: a frontend asks these, largest spread first (publicodes' missing variables).",
  fields: (t) => ({
    achievementId: t.exposeString('achievementId', { description: 'The achievement it is about.' }),
    field: t.exposeString('field', {
      description: 'The input, as entitlements name it in missing: facts.ACCEPTANCE_PASSED, level, units, costYuan …',
    }),
    text: t.string({
      nullable: true,
      description:
        "The question, as the policy data writes it next to its condition or rule, in the request's language; null only for a policy stored before questions were written (reload it).",
      args: languageArgs,
      resolve: (q, { language }, ctx) =>
        q.text && (messagesOf(language, ctx).locale === 'en' ? q.text.questionEn : q.text.question),
    }),
    spreadYuan: t.field({
      type: 'SafeInt',
      description:
        "Max − min of the report's money owed over the answer's values (facts true or false, the kind's levels, measures from their least to their largest accepted value), the inputs still missing after it taken at their most favourable.",
      resolve: (q) => q.spreadYuan,
    }),
    upToSpreadYuan: t.field({
      type: 'SafeInt',
      description: 'The same spread of counted maxima (最高).',
      resolve: (q) => q.upToSpreadYuan,
    }),
    minTotalYuan: t.field({
      type: 'SafeInt',
      description: 'Money owed at the least favourable answer.',
      resolve: (q) => q.minTotalYuan,
    }),
    maxTotalYuan: t.field({
      type: 'SafeInt',
      description: 'Money owed at the most favourable answer.',
      resolve: (q) => q.maxTotalYuan,
    }),
    entitlements: t.field({
      type: [EntitlementRef],
      description: 'The NEEDS_INFO entitlements its answer decides.',
      resolve: (q) => q.decides,
    }),
  }),
});

builder.objectField(EntitlementReportRef, 'questions', (t) =>
  t.field({
    type: [QuestionRef],
    description:
      'For NEEDS_INFO entitlements: every input to ask for (those a rule reads once others are answered included, so one questionnaire settles every answer), largest spread of the total first; empty when nothing is missing.',
    extensions: { cost: WHAT_IF_COST },
    resolve: async (report, _args, ctx) => {
      if (!report.entitlements.some((e) => e.eligibility === 'NEEDS_INFO')) return [];
      const subject = await report.subject?.();
      if (!subject) return [];
      const kinds = await ctx.loaders.kinds();
      return rankQuestions(
        subject.policies,
        subject.enterprise,
        subject.achievements,
        subject.asOf,
        { levelsOf: (kind) => kinds.get(kind)?.levels ?? [], maxYuan: MAX_YUAN, maxCount: MAX_COUNT },
        report.counts,
      );
    },
  }),
);
