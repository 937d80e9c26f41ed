import type { Prisma } from '../../generated/prisma/client.js';
import { builder, connectionOf } from '../builder.js';
import type { Scope as Context } from '../../scope/scope.js';
import { decodeIdOf } from '../ids.js';
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

export const TargetFilter = builder.inputType('TargetFilter', {
  description: 'Which targets to list; the conditions given must all hold.',
  fields: (t) => ({
    policy: t.id({ description: 'Only targets of this policy (its global ID).' }),
    indicator: t.string({ description: 'An indicator code.' }),
    kind: t.field({ type: TargetKindEnum, description: 'Only targets of this kind.' }),
    jurisdiction: t.id({ description: 'Targets whose scope or schedule names this jurisdiction.' }),
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

function targetWhere(
  filter:
    | { policy?: string | null; indicator?: string | null; kind?: string | null; jurisdiction?: string | null }
    | null
    | undefined,
): Prisma.TargetWhereInput {
  const where: Prisma.TargetWhereInput = {};
  if (filter?.policy) where.policyId = decodeIdOf('Policy', filter.policy, 'filter.policy');
  if (filter?.indicator) where.indicator = { code: filter.indicator };
  if (filter?.kind) where.kind = filter.kind as Prisma.TargetWhereInput['kind'];
  if (filter?.jurisdiction) {
    const id = decodeIdOf('Jurisdiction', filter.jurisdiction, 'filter.jurisdiction');
    where.OR = [{ jurisdictionId: id }, { schedule: { some: { jurisdictionId: id } } }];
  }
  return where;
}

builder.queryFields((t) => ({
  targets: t.prismaConnection(
    {
      type: 'Target',
      cursor: 'id',
      description:
        'Targets (目标) of every policy, by policy then document order; filter by policy, indicator, kind or jurisdiction.',
      args: { filter: t.arg({ type: TargetFilter }) },
      totalCount: (_p, { filter }, { db }: Context) => db.target.count({ where: targetWhere(filter) }),
      resolve: (query, _root, { filter }, { db }) =>
        db.target.findMany({
          ...query,
          where: targetWhere(filter),
          orderBy: [{ policyId: 'asc' }, { position: 'asc' }],
        }),
    },
    connectionOf('Target'),
  ),
}));
