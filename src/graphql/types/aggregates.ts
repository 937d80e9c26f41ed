/**
 * Aggregates over the lists, with the lists' own filter and access rules: achievementsAggregate
 * (count, enterprises counted once, sum/min/max/avg of the amounts and units, first and last day,
 * grouped by jurisdiction, kind, level and/or year) and enterprisesAggregate (count, grouped by
 * jurisdiction, kind and/or industry). Prisma's groupBy reads the rows in one statement, grouped
 * by columns (the enterprise and the day, which the jurisdiction and the year are folded from);
 * the enterprises' jurisdictions, kinds and jurisdictions named are one statement each.
 */
import type { Prisma } from '../../generated/prisma/client.js';
import type { Scope as Context } from '../../scope/scope.js';
import { visibleEnterprises } from '../../scope/access.js';
import { builder } from '../builder.js';
import { userError } from '../errors.js';
import { phrase } from '../../engines/message.js';
import { achievementFilter, AchievementFilter, enterpriseFilter, EnterpriseFilter, whereOf } from '../filters.js';
import { REPORT_COST } from '../limits.js';
import { RecipientKindEnum } from './enums.js';

const NUMBERS = ['costYuan', 'budgetYuan', 'provincialGrantYuan', 'units'] as const;
type Numbers = Record<(typeof NUMBERS)[number], number | null>;

const AchievementGroupByEnum = builder.enumType('AchievementGroupBy', {
  description:
    "What achievements are grouped by: the enterprise's jurisdiction, the kind, the level, the year obtained.",
  values: ['JURISDICTION', 'KIND', 'LEVEL', 'YEAR'] as const,
});
const EnterpriseGroupByEnum = builder.enumType('EnterpriseGroupBy', {
  description: 'What enterprises are grouped by: their jurisdiction, their kind, their industry.',
  values: ['JURISDICTION', 'KIND', 'INDUSTRY'] as const,
});

interface AchievementGroup {
  jurisdictionId: number | null;
  kindId: number | null;
  level: string | null;
  year: number | null;
  count: number;
  enterprises: Set<number>;
  sum: Numbers;
  min: Numbers;
  max: Numbers;
  counted: Record<(typeof NUMBERS)[number], number>;
  first: Date | null;
  last: Date | null;
  names: { jurisdictions: Map<number, unknown>; kinds: Map<number, unknown> };
}

const numbersOf = (name: string, description: string, pick: (g: AchievementGroup) => Numbers) =>
  builder.objectRef<AchievementGroup>(name).implement({
    description,
    fields: (t) => ({
      costYuan: t.field({
        type: 'SafeInt',
        nullable: true,
        description: 'Of the cost in yuan.',
        resolve: (g) => pick(g).costYuan,
      }),
      budgetYuan: t.field({
        type: 'SafeInt',
        nullable: true,
        description: 'Of the budget in yuan.',
        resolve: (g) => pick(g).budgetYuan,
      }),
      provincialGrantYuan: t.field({
        type: 'SafeInt',
        nullable: true,
        description: "Of the province's grant in yuan.",
        resolve: (g) => pick(g).provincialGrantYuan,
      }),
      units: t.field({ type: 'SafeInt', nullable: true, description: 'Of the units.', resolve: (g) => pick(g).units }),
    }),
  });
const Sums = numbersOf(
  'AchievementSums',
  'Sums over a group (null where no achievement has the figure).',
  (g) => g.sum,
);
const Minima = numbersOf('AchievementMinima', 'Smallest figures of a group (null where none has it).', (g) => g.min);
const Maxima = numbersOf('AchievementMaxima', 'Largest figures of a group (null where none has it).', (g) => g.max);
const Averages = builder.objectRef<AchievementGroup>('AchievementAverages').implement({
  description: 'Averages over the achievements of a group that have the figure (null where none has it).',
  fields: (t) =>
    Object.fromEntries(
      NUMBERS.map((n) => [
        n,
        t.float({
          nullable: true,
          description: `The average ${n}.`,
          resolve: (g) => (g.counted[n] ? g.sum[n]! / g.counted[n] : null),
        }),
      ]),
    ) as never,
});

const AchievementGroupRef = builder.objectRef<AchievementGroup>('AchievementGroup').implement({
  description: 'Achievements of one group: its keys (null where not grouped by it) and its figures.',
  fields: (t) => ({
    jurisdiction: t.prismaField({
      type: 'Jurisdiction',
      nullable: true,
      description: "The enterprises' jurisdiction, when grouped by JURISDICTION.",
      resolve: (_query, g) =>
        g.jurisdictionId === null ? null : (g.names.jurisdictions.get(g.jurisdictionId) as never),
    }),
    kind: t.prismaField({
      type: 'AchievementKind',
      nullable: true,
      description: 'The kind, when grouped by KIND.',
      resolve: (_query, g) => (g.kindId === null ? null : (g.names.kinds.get(g.kindId) as never)),
    }),
    level: t.string({
      nullable: true,
      description: 'The level, when grouped by LEVEL (null also for none recorded).',
      resolve: (g) => g.level,
    }),
    year: t.int({ nullable: true, description: 'The year obtained, when grouped by YEAR.', resolve: (g) => g.year }),
    count: t.int({ description: 'How many achievements.', resolve: (g) => g.count }),
    enterpriseCount: t.int({
      description: 'How many distinct enterprises hold them.',
      resolve: (g) => g.enterprises.size,
    }),
    sum: t.field({ type: Sums, description: 'Sums of the amounts and units.', resolve: (g) => g }),
    min: t.field({ type: Minima, description: 'Smallest amounts and units.', resolve: (g) => g }),
    max: t.field({ type: Maxima, description: 'Largest amounts and units.', resolve: (g) => g }),
    avg: t.field({ type: Averages, description: 'Average amounts and units.', resolve: (g) => g }),
    firstObtainedOn: t.field({
      type: 'Date',
      nullable: true,
      description: 'The earliest day obtained.',
      resolve: (g) => g.first,
    }),
    lastObtainedOn: t.field({
      type: 'Date',
      nullable: true,
      description: 'The latest day obtained.',
      resolve: (g) => g.last,
    }),
  }),
});

interface EnterpriseGroup {
  jurisdiction: unknown;
  kind: string | null;
  industry: string | null;
  count: number;
}
const EnterpriseGroupRef = builder.objectRef<EnterpriseGroup>('EnterpriseGroup').implement({
  description: 'Enterprises of one group: its keys (null where not grouped by it) and how many.',
  fields: (t) => ({
    jurisdiction: t.prismaField({
      type: 'Jurisdiction',
      nullable: true,
      description: 'Their jurisdiction, when grouped by JURISDICTION.',
      resolve: (_query, g) => g.jurisdiction as never,
    }),
    kind: t.field({
      type: RecipientKindEnum,
      nullable: true,
      description: 'Their kind, when grouped by KIND.',
      resolve: (g) => g.kind as never,
    }),
    industry: t.string({
      nullable: true,
      description: 'Their industry, when grouped by INDUSTRY (null also for none recorded).',
      resolve: (g) => g.industry,
    }),
    count: t.int({ description: 'How many enterprises.', resolve: (g) => g.count }),
  }),
});

function distinct<T>(groupBy: readonly T[]): readonly T[] {
  if (new Set(groupBy).size !== groupBy.length)
    throw userError('INVALID_ARGUMENT', 'groupBy', phrase('error.DIMENSION_TWICE'));
  return groupBy;
}

const byId = async <T extends { id: number }>(rows: Promise<T[]>) =>
  new Map((await rows).map((r) => [r.id, r as unknown]));

async function achievementGroups(
  ctx: Context,
  filter: object | null | undefined,
  groupBy: readonly string[],
): Promise<AchievementGroup[]> {
  const where: Prisma.AchievementWhereInput = {
    AND: [await whereOf(achievementFilter, filter, ctx), { retiredAt: null, enterprise: visibleEnterprises(ctx, {}) }],
  };
  const by = ['enterpriseId' as const];
  if (groupBy.includes('KIND')) by.push('kindId' as never);
  if (groupBy.includes('LEVEL')) by.push('level' as never);
  if (groupBy.includes('YEAR')) by.push('obtainedOn' as never);
  const numbers = Object.fromEntries(NUMBERS.map((n) => [n, true])) as Record<(typeof NUMBERS)[number], true>;
  const rows = await ctx.db.achievement.groupBy({
    by,
    where,
    _count: { _all: true, ...numbers },
    _sum: numbers,
    _min: { ...numbers, obtainedOn: true },
    _max: { ...numbers, obtainedOn: true },
  });
  const [jurisdictionOf, jurisdictions, kinds] = await Promise.all([
    groupBy.includes('JURISDICTION')
      ? ctx.db.enterprise
          .findMany({ where: { achievements: { some: where } }, select: { id: true, jurisdictionId: true } })
          .then((es) => new Map(es.map((e) => [e.id, e.jurisdictionId])))
      : null,
    groupBy.includes('JURISDICTION') ? byId(ctx.db.jurisdiction.findMany()) : new Map(),
    groupBy.includes('KIND') ? byId(ctx.db.achievementKind.findMany()) : new Map(),
  ]);
  const groups = new Map<string, AchievementGroup>();
  const empty = () => Object.fromEntries(NUMBERS.map((n) => [n, null])) as Numbers;
  const group = (keys: Pick<AchievementGroup, 'jurisdictionId' | 'kindId' | 'level' | 'year'>): AchievementGroup => ({
    ...keys,
    count: 0,
    enterprises: new Set(),
    sum: empty(),
    min: empty(),
    max: empty(),
    counted: Object.fromEntries(NUMBERS.map((n) => [n, 0])) as AchievementGroup['counted'],
    first: null,
    last: null,
    names: { jurisdictions, kinds },
  });
  for (const r of rows as unknown as Array<{
    enterpriseId: number;
    kindId?: number;
    level?: string | null;
    obtainedOn?: Date;
    _count: Record<string, number>;
    _sum: Numbers;
    _min: Numbers & { obtainedOn: Date | null };
    _max: Numbers & { obtainedOn: Date | null };
  }>) {
    const keys = {
      jurisdictionId: jurisdictionOf?.get(r.enterpriseId) ?? null,
      kindId: r.kindId ?? null,
      level: groupBy.includes('LEVEL') ? (r.level ?? null) : null,
      year: r.obtainedOn ? r.obtainedOn.getUTCFullYear() : null,
    };
    const key = JSON.stringify(keys);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = group(keys)));
    g.count += r._count._all;
    g.enterprises.add(r.enterpriseId);
    for (const n of NUMBERS) {
      g.counted[n] += r._count[n];
      if (r._sum[n] !== null) g.sum[n] = (g.sum[n] ?? 0) + r._sum[n];
      if (r._min[n] !== null) g.min[n] = Math.min(g.min[n] ?? Infinity, r._min[n]);
      if (r._max[n] !== null) g.max[n] = Math.max(g.max[n] ?? -Infinity, r._max[n]);
    }
    if (r._min.obtainedOn && (!g.first || r._min.obtainedOn < g.first)) g.first = r._min.obtainedOn;
    if (r._max.obtainedOn && (!g.last || r._max.obtainedOn > g.last)) g.last = r._max.obtainedOn;
  }
  // Without groupBy there is one group, also when no achievement matches.
  if (!groupBy.length && !groups.size) return [group({ jurisdictionId: null, kindId: null, level: null, year: null })];
  return [...groups.values()];
}

builder.queryFields((t) => ({
  achievementsAggregate: t.field({
    type: [AchievementGroupRef],
    description:
      'Figures over the achievements you may see that the filter names (as achievements lists them), grouped by jurisdiction, kind, level and/or year; one group without groupBy. Agencies and administrators only.',
    authScopes: { agency: true },
    extensions: { cost: REPORT_COST },
    args: {
      filter: t.arg({ type: AchievementFilter }),
      groupBy: t.arg({
        type: [AchievementGroupByEnum],
        defaultValue: [],
        description: 'The dimensions of the groups.',
      }),
    },
    resolve: async (_root, { filter, groupBy }, ctx) => achievementGroups(ctx, filter, distinct(groupBy ?? [])),
  }),
  enterprisesAggregate: t.field({
    type: [EnterpriseGroupRef],
    description:
      'How many enterprises you may see the filter names (as enterprises lists them), grouped by jurisdiction, kind and/or industry; one group without groupBy. Agencies and administrators only.',
    authScopes: { agency: true },
    extensions: { cost: REPORT_COST },
    args: {
      filter: t.arg({ type: EnterpriseFilter }),
      groupBy: t.arg({ type: [EnterpriseGroupByEnum], defaultValue: [], description: 'The dimensions of the groups.' }),
    },
    resolve: async (_root, { filter, groupBy }, ctx) => {
      const dims = distinct(groupBy ?? []);
      const columns = { JURISDICTION: 'jurisdictionId', KIND: 'kind', INDUSTRY: 'industry' } as const;
      const where = visibleEnterprises(ctx, {
        AND: [await whereOf(enterpriseFilter, filter, ctx), { retiredAt: null }],
      });
      if (!dims.length)
        return [{ jurisdiction: null, kind: null, industry: null, count: await ctx.db.enterprise.count({ where }) }];
      const [rows, jurisdictions] = await Promise.all([
        ctx.db.enterprise.groupBy({ by: dims.map((d) => columns[d]), where, _count: { _all: true } }),
        dims.includes('JURISDICTION') ? byId(ctx.db.jurisdiction.findMany()) : new Map(),
      ]);
      return (
        rows as Array<{ jurisdictionId?: number; kind?: string; industry?: string | null; _count: { _all: number } }>
      ).map((r) => ({
        jurisdiction: r.jurisdictionId === undefined ? null : jurisdictions.get(r.jurisdictionId),
        kind: r.kind ?? null,
        industry: r.industry ?? null,
        count: r._count._all,
      }));
    },
  }),
}));
