import type { Scope as Context } from '../../scope/scope.js';
import { builder, connectionOf } from '../builder.js';
import { targetFilter, TargetFilter, whereOf } from '../filters.js';
import { orderOf, pageOf, TargetOrderBy } from '../ordering.js';
import { nestedList } from '../nested.js';
import { BenchmarkEnum, ComparatorEnum, TargetKindEnum, TargetPerEnum } from './enums.js';

builder.prismaObject('TargetScheduleEntry', {
  description: 'One figure of a target: for a year and, for district quotas, a district.',
  fields: (t) => ({
    jurisdiction: t.relation('jurisdiction', { nullable: true, description: "Null: the target's own scope." }),
    year: t.exposeInt('year'),
    value: t.exposeFloat('value'),
    comparator: t.expose('comparator', {
      type: ComparatorEnum,
      nullable: true,
      description: "How this figure is met where its sentence says otherwise than the target's; null = the target's.",
    }),
  }),
});

const Baseline = builder.simpleObject('Baseline', {
  description: 'The value a target starts from, and its year, as the document states them.',
  fields: (t) => ({
    value: t.float({ description: "The starting value, in the indicator's unit." }),
    year: t.int({ description: 'The year of the starting value.' }),
  }),
});

builder.prismaNode('Target', {
  id: { field: 'id' },
  description: 'A quantified goal of a clause (目标): a value by a deadline, a floor, yearly quotas per district.',
  fields: (t) => ({
    key: t.exposeString('key'),
    policy: t.relation('policy'),
    clause: t.relation('clause'),
    quote: t.exposeString('quote', { description: 'The sentence that sets the target (原文).' }),
    summary: t.exposeString('summary'),
    indicator: t.relation('indicator'),
    kind: t.expose('kind', { type: TargetKindEnum }),
    comparator: t.expose('comparator', { type: ComparatorEnum }),
    per: t.expose('per', { type: TargetPerEnum }),
    appliesTo: t.relation('appliesTo', {
      description:
        'For EACH_JURISDICTION: the jurisdictions the document sets the figure for; empty = the scope’s counties, county-level cities and districts.',
      query: { orderBy: { code: 'asc' } },
    }),
    value: t.exposeFloat('value', {
      nullable: true,
      description: 'The figure for the whole scope, or for each of its jurisdictions (per: EACH_JURISDICTION).',
    }),
    benchmark: t.expose('benchmark', { type: BenchmarkEnum, nullable: true }),
    jurisdiction: t.relation('jurisdiction', { description: 'The scope: the city unless stated.' }),
    baseline: t.field({
      type: Baseline,
      nullable: true,
      description: 'The value the target starts from, only where the document states one.',
      select: { baselineValue: true, baselineYear: true },
      resolve: (x) =>
        x.baselineValue === null || x.baselineYear === null ? null : { value: x.baselineValue, year: x.baselineYear },
    }),
    fromYear: t.exposeInt('fromYear', { nullable: true }),
    toYear: t.exposeInt('toYear', { nullable: true }),
    deadline: t.expose('deadline', { type: 'Date', nullable: true }),
    note: t.exposeString('note', { nullable: true }),
    schedule: t.relation('schedule', {
      description: 'Figures per year and district, in year then district order.',
      query: { orderBy: [{ year: 'asc' }, { jurisdictionId: 'asc' }] },
    }),
  }),
});

/** The list's targets: those of served policies (a retired one's read on through its Policy). */
const servedTargets = async (ctx: Context, filter: object | null | undefined) => ({
  AND: [await whereOf(targetFilter, filter, ctx), { policy: { retiredAt: null } }],
});

builder.prismaObjectField('Policy', 'targets', (t) =>
  nestedList(t, {
    relation: 'targets',
    type: 'Target',
    filter: TargetFilter,
    orderBy: TargetOrderBy,
    // The caller's filter alone: a retired policy's targets are read for history.
    where: (filter, ctx) => whereOf(targetFilter, filter, ctx),
    fallback: [{ position: 'asc' }],
    description: 'The quantified goals (目标) the document sets, in document order unless orderBy says.',
  }),
);

builder.queryFields((t) => ({
  targets: t.prismaConnection(
    {
      type: 'Target',
      cursor: 'id',
      description:
        'Targets (目标) of every policy, by policy then document order; filter by policy, indicator, kind or jurisdiction.',
      args: {
        filter: t.arg({ type: TargetFilter }),
        orderBy: t.arg({
          type: [TargetOrderBy],
          description: 'Keys to order by; the id breaks ties (default: by policy, then document order).',
        }),
      },
      totalCount: async (_p, { filter }, ctx) => ctx.db.target.count({ where: await servedTargets(ctx, filter) }),
      resolve: async (query, _root, { filter, orderBy }, ctx) =>
        ctx.db.target.findMany(
          await pageOf(
            ctx.db,
            'Target',
            query,
            await servedTargets(ctx, filter),
            orderOf(orderBy, [{ policyId: 'asc' }, { position: 'asc' }]),
          ),
        ),
    },
    connectionOf('Target'),
  ),
}));
