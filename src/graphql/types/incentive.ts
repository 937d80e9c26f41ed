import { describeIncentive } from '../../corpus/describe.js';
import type { RuleDef } from '../../format/policy.js';
import { builder, connectionOf } from '../builder.js';
import { incentiveFilter, IncentiveFilter, whereOf } from '../filters.js';
import { IncentiveOrderBy, orderOf } from '../ordering.js';
import { CapPerEnum, ObtainedAsEnum, PayerEnum, RecipientKindEnum, RuleKindEnum } from './enums.js';

const Cap = builder.simpleObject('Cap', {
  description: 'A ceiling on the sum an incentive pays (最高不超过), per enterprise or per enterprise per year.',
  fields: (t) => ({
    amountYuan: t.field({ type: 'SafeInt', description: 'The ceiling in integer yuan (最高不超过N万元).' }),
    per: t.field({
      type: CapPerEnum,
      description: 'ENTERPRISE: over all its achievements; ENTERPRISE_YEAR: in each calendar year (年度最高).',
    }),
  }),
});

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
    rule: t.expose('rule', { type: 'JSON', description: 'The rule as typed data (see the policy format).' }),
    ruleText: t.string({
      description: 'The rule in words, with its cap.',
      select: { rule: true, capYuan: true, capPer: true },
      resolve: (i) =>
        describeIncentive({
          rule: i.rule as unknown as RuleDef,
          cap: i.capYuan !== null && i.capPer !== null ? { amount: i.capYuan, per: i.capPer } : undefined,
        }),
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
    provincialPart: t.expose('provincialPart', {
      type: 'JSON',
      nullable: true,
      description: "在省…基础上: the province's own part, shown beside the city's, never counted as city money.",
    }),
    conditions: t.expose('conditions', { type: 'JSON' }),
    obtained: t.expose('obtained', { type: ObtainedAsEnum }),
    stageByLevel: t.exposeBoolean('stageByLevel', {
      description: '批准筹建和建成…各给予: each level is a separate stage of one project, paid once each.',
    }),
    restatedIn: t.expose('restatedIn', {
      type: 'JSON',
      description: 'Where the document states the same promise again, as [{clause, quote}]: one promise, paid once.',
    }),
    note: t.exposeString('note', { nullable: true }),
  }),
});

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
      totalCount: async (_p, { filter }, ctx) =>
        ctx.db.incentive.count({ where: await whereOf(incentiveFilter, filter, ctx) }),
      resolve: async (query, _root, { filter, orderBy }, ctx) =>
        ctx.db.incentive.findMany({
          ...query,
          where: await whereOf(incentiveFilter, filter, ctx),
          orderBy: orderOf(orderBy, [{ policyId: 'asc' }, { position: 'asc' }]),
        }),
    },
    connectionOf('Incentive'),
  ),
}));
