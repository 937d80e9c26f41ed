import { phrase } from '../../engines/message.js';
import { describeIncentive } from '../../corpus/describe.js';
import type { ConditionDef, TierDef } from '../../format/policy.js';
import type { IncentiveInput } from '../../engines/entitlement/types.js';
import { builder, connectionOf } from '../builder.js';
import { userError } from '../errors.js';
import type { Scope as Context } from '../../scope/scope.js';
import { incentiveFilter, IncentiveFilter, whereOf } from '../filters.js';
import { IncentiveOrderBy, orderOf, pageOf } from '../ordering.js';
import { nestedList } from '../nested.js';
import { CapPerEnum, ObtainedAsEnum, PayerEnum, RecipientKindEnum, RuleKindEnum } from './enums.js';

export const Cap = builder.simpleObject('Cap', {
  description: 'A ceiling on the sum an incentive pays (最高不超过), per enterprise or per enterprise per year.',
  fields: (t) => ({
    amountYuan: t.field({ type: 'SafeInt', description: 'The ceiling in integer yuan (最高不超过N万元).' }),
    per: t.field({
      type: CapPerEnum,
      description: 'ENTERPRISE: over all its achievements; ENTERPRISE_YEAR: in each calendar year (年度最高).',
    }),
  }),
});

const RewardTier = builder.objectRef<TierDef>('RewardTier').implement({
  description: 'An amount for some levels of the achievement (分别给予A、B: one tier per amount).',
  fields: (t) => ({
    levels: t.stringList({
      description: 'The level codes this amount is for: one, or several sharing it.',
      resolve: (tier) => tier.levels ?? [tier.level!],
    }),
    amountYuan: t.field({
      type: 'SafeInt',
      description: 'The amount in integer yuan.',
      resolve: (tier) => tier.amount,
    }),
  }),
});

export const ProvincialPart = builder
  .objectRef<NonNullable<IncentiveInput['provincialPart']>>('ProvincialPart')
  .implement({
    description: "在省…基础上: the province's own part, shown beside the city's reward, never counted as city money.",
    fields: (t) => ({
      amountYuan: t.field({
        type: 'SafeInt',
        nullable: true,
        description: 'One amount in integer yuan; null where it depends on the level (see tiers).',
        resolve: (part) => ('amount' in part ? part.amount : null),
      }),
      tiers: t.field({
        type: [RewardTier],
        description: 'Amounts by level; empty where the province pays one amount.',
        resolve: (part) => ('tiers' in part ? part.tiers : []),
      }),
      perUnit: t.exposeBoolean('perUnit', {
        description: 'Whether the province, too, pays it for each unit (每个项目).',
      }),
    }),
  });

const ConditionKindEnum = builder.enumType('ConditionKind', {
  description:
    'ATTESTED: a fact the achievement must carry (通过验收, 行政认定). HELD_FOR: held this long (满一年). FIRST: the enterprise’s first of the kind (首个, 首次).',
  values: ['ATTESTED', 'HELD_FOR', 'FIRST'] as const,
});

export const IncentiveCondition = builder.objectRef<ConditionDef>('IncentiveCondition').implement({
  description: 'A restriction the sentence writes: unknown answers NEEDS_INFO, refuted INELIGIBLE.',
  fields: (t) => ({
    kind: t.expose('kind', {
      type: ConditionKindEnum,
      description: 'What the condition asks: an attested fact, a time held, or a first.',
    }),
    fact: t.string({
      nullable: true,
      description: 'For ATTESTED: the fact code to attest, e.g. ACCEPTANCE_PASSED.',
      resolve: (c) => (c.kind === 'ATTESTED' ? c.fact : null),
    }),
    months: t.int({
      nullable: true,
      description: 'For HELD_FOR: how many months the achievement must have been held.',
      resolve: (c) => (c.kind === 'HELD_FOR' ? c.months : null),
    }),
    text: t.exposeString('text', { description: 'The words of the sentence that set it (原文).' }),
  }),
});

const Restatement = builder.objectRef<IncentiveInput['restatedIn'][number]>('Restatement').implement({
  description: 'The same promise stated again elsewhere in the document (an annex).',
  fields: (t) => ({
    clause: t.exposeString('clause', { description: 'Path of the clause that states it again, e.g. "附件1/二/(四)".' }),
    quote: t.exposeString('quote', { description: 'The sentence there, verbatim.' }),
  }),
});

/** What the engine reads of an incentive, from its policy's stored engine input (the corpus snapshot). */
async function engineIncentive(id: number, { loaders }: Context) {
  const incentive = (await loaders.enginePolicies()).incentiveById.get(id);
  // Only a retired policy's input can be unread (src/scope/engine-inputs.ts).
  if (!incentive) throw userError('RETIRED', 'id', phrase('error.RETIRED_INCENTIVE', { id }));
  return incentive;
}

builder.prismaNode('Incentive', {
  id: { field: 'id' },
  description: 'A reward a clause promises for an achievement (奖励/补助), with its rule as data.',
  fields: (t) => ({
    key: t.exposeString('key'),
    policy: t.relation('policy'),
    clause: t.relation('clause'),
    quote: t.exposeString('quote', { description: 'The sentence that promises the reward (原文).' }),
    summary: t.exposeString('summary'),
    achievementKind: t.relation('achievementKind'),
    levels: t.exposeStringList('levels', { description: 'The levels it is limited to; empty means every level.' }),
    recipientKinds: t.expose('recipientKinds', { type: [RecipientKindEnum] }),
    ruleKind: t.expose('ruleKind', { type: RuleKindEnum }),
    rule: t.field({
      type: 'JSON',
      description: 'The rule as typed data (see the policy format), amounts in integer yuan.',
      select: { id: true },
      resolve: async (i, _args, ctx) => (await engineIncentive(i.id, ctx)).rule,
    }),
    ruleText: t.string({
      description: 'The rule in words, with its cap.',
      select: { id: true },
      resolve: async (i, _args, ctx) => describeIncentive(await engineIncentive(i.id, ctx)),
    }),
    cap: t.field({
      type: Cap,
      nullable: true,
      description:
        'The ceiling on what it pays (最高不超过), per enterprise or per enterprise and year; null where none.',
      select: { capYuan: true, capPer: true },
      resolve: (i) => (i.capYuan !== null && i.capPer !== null ? { amountYuan: i.capYuan, per: i.capPer } : null),
    }),
    payer: t.expose('payer', { type: PayerEnum, nullable: true }),
    provincialPart: t.field({
      type: ProvincialPart,
      nullable: true,
      description: "在省…基础上: the province's own part, shown beside the city's, never counted as city money.",
      select: { id: true },
      resolve: async (i, _args, ctx) => (await engineIncentive(i.id, ctx)).provincialPart ?? null,
    }),
    conditions: t.field({
      type: [IncentiveCondition],
      description: 'Every restriction the sentence writes, as typed data.',
      select: { id: true },
      resolve: async (i, _args, ctx) => (await engineIncentive(i.id, ctx)).conditions,
    }),
    obtained: t.expose('obtained', { type: ObtainedAsEnum }),
    stageByLevel: t.exposeBoolean('stageByLevel', {
      description: '批准筹建和建成…各给予: each level is a separate stage of one project, paid once each.',
    }),
    restatedIn: t.field({
      type: [Restatement],
      description: 'Where the document states the same promise again: one promise, paid once.',
      select: { id: true },
      resolve: async (i, _args, ctx) => (await engineIncentive(i.id, ctx)).restatedIn,
    }),
    note: t.exposeString('note', { nullable: true }),
  }),
});

/** The list's incentives: those of served policies (a retired one's read on through its Policy). */
const servedIncentives = async (ctx: Context, filter: object | null | undefined) => ({
  AND: [await whereOf(incentiveFilter, filter, ctx), { policy: { retiredAt: null } }],
});

/** A policy's or a kind's incentives: the caller's filter alone (a retired policy's are read for history). */
const incentiveList = {
  relation: 'incentives',
  type: 'Incentive',
  filter: IncentiveFilter,
  orderBy: IncentiveOrderBy,
  where: (filter: object | null | undefined, ctx: Context) => whereOf(incentiveFilter, filter, ctx),
} as const;

builder.prismaObjectField('Policy', 'incentives', (t) =>
  nestedList(t, {
    ...incentiveList,
    fallback: [{ position: 'asc' }],
    description:
      'The rewards the document promises (奖励/补助), one per promised reward, in document order unless orderBy says.',
  }),
);

builder.prismaObjectField('AchievementKind', 'incentives', (t) =>
  nestedList(t, {
    ...incentiveList,
    fallback: [],
    description: 'The incentives of every policy that reward this kind, by id unless orderBy says.',
  }),
);

builder.queryFields((t) => ({
  incentives: t.prismaConnection(
    {
      type: 'Incentive',
      cursor: 'id',
      description:
        'Incentives (奖励/补助) of every policy, by policy then document order; filter by policy, jurisdiction, achievement kind, rule kind or payer.',
      args: {
        filter: t.arg({ type: IncentiveFilter }),
        orderBy: t.arg({
          type: [IncentiveOrderBy],
          description: 'Keys to order by; the id breaks ties (default: by policy, then document order).',
        }),
      },
      totalCount: async (_p, { filter }, ctx) => ctx.db.incentive.count({ where: await servedIncentives(ctx, filter) }),
      resolve: async (query, _root, { filter, orderBy }, ctx) =>
        ctx.db.incentive.findMany(
          await pageOf(
            ctx.db,
            'Incentive',
            query,
            await servedIncentives(ctx, filter),
            orderOf(orderBy, [{ policyId: 'asc' }, { position: 'asc' }]),
          ),
        ),
    },
    connectionOf('Incentive'),
  ),
}));
