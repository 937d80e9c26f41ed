/**
 * Aggregates over the lists, with the lists' own filter and access rules: achievementsAggregate
 * (count, enterprises counted once, sum/min/max/avg of the amounts and units, first and last day,
 * grouped by jurisdiction, kind, level and/or year) and enterprisesAggregate (count, grouped by
 * jurisdiction, kind and/or industry, and the same figures over each group's achievements). Prisma's
 * groupBy reads the rows in one statement, grouped by columns (the enterprise and the day, which
 * the jurisdiction and the year are folded from); the enterprises' jurisdictions, kinds and
 * jurisdictions named are one statement each.
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
  /** The figures of the group's achievements, read (for every group at once) only when asked. */
  achievements: () => Promise<AchievementGroup>;
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
    achievements: t.field({
      type: AchievementGroupRef,
      description:
        "Figures over the group's achievements (retired ones left out): how many, the enterprises holding them, sums, minima, maxima and averages of the amounts and units, the first and last day. Its own keys are null.",
      resolve: (g) => g.achievements(),
    }),
  }),
});

function distinct<T>(groupBy: readonly T[]): readonly T[] {
  if (new Set(groupBy).size !== groupBy.length)
    throw userError('INVALID_ARGUMENT', 'groupBy', phrase('error.DIMENSION_TWICE'));
  return groupBy;
}

const byId = async <T extends { id: number }>(rows: Promise<T[]>) =>
  new Map((await rows).map((r) => [r.id, r as unknown]));

const numbers = Object.fromEntries(NUMBERS.map((n) => [n, true])) as Record<(typeof NUMBERS)[number], true>;
/** What a group's figures are folded from: Prisma's groupBy aggregates of the achievements of one enterprise (and key). */
const FIGURES = {
  _count: { _all: true, ...numbers },
  _sum: numbers,
  _min: { ...numbers, obtainedOn: true },
  _max: { ...numbers, obtainedOn: true },
} as const;
interface AggregateRow {
  enterpriseId: number;
  _count: Record<string, number>;
  _sum: Numbers;
  _min: Numbers & { obtainedOn: Date | null };
  _max: Numbers & { obtainedOn: Date | null };
}
type GroupKeys = Pick<AchievementGroup, 'jurisdictionId' | 'kindId' | 'level' | 'year'>;
const NO_KEYS: GroupKeys = { jurisdictionId: null, kindId: null, level: null, year: null };
const empty = () => Object.fromEntries(NUMBERS.map((n) => [n, null])) as Numbers;

function emptyGroup(keys: GroupKeys, names: AchievementGroup['names']): AchievementGroup {
  return {
    ...keys,
    count: 0,
    enterprises: new Set(),
    sum: empty(),
    min: empty(),
    max: empty(),
    counted: Object.fromEntries(NUMBERS.map((n) => [n, 0])) as AchievementGroup['counted'],
    first: null,
    last: null,
    names,
  };
}

/** Folds one enterprise's aggregates into a group. */
function add(g: AchievementGroup, r: AggregateRow) {
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
  const rows = await ctx.db.achievement.groupBy({ by, where, ...FIGURES });
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
  for (const r of rows as unknown as Array<
    AggregateRow & { kindId?: number; level?: string | null; obtainedOn?: Date }
  >) {
    const keys = {
      jurisdictionId: jurisdictionOf?.get(r.enterpriseId) ?? null,
      kindId: r.kindId ?? null,
      level: groupBy.includes('LEVEL') ? (r.level ?? null) : null,
      year: r.obtainedOn ? r.obtainedOn.getUTCFullYear() : null,
    };
    const key = JSON.stringify(keys);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = emptyGroup(keys, { jurisdictions, kinds })));
    add(g, r);
  }
  // Without groupBy there is one group, also when no achievement matches.
  if (!groupBy.length && !groups.size) return [emptyGroup(NO_KEYS, { jurisdictions, kinds })];
  return [...groups.values()];
}

const ENTERPRISE_COLUMNS = { JURISDICTION: 'jurisdictionId', KIND: 'kind', INDUSTRY: 'industry' } as const;
const NO_NAMES: AchievementGroup['names'] = { jurisdictions: new Map(), kinds: new Map() };

/** A value computed on first use only, then shared. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

/**
 * The figures of the achievements of the enterprises `where` names, by the enterprise groups' key:
 * the achievements grouped by enterprise in one statement, and the enterprises' group columns in one.
 */
async function enterpriseFigures(
  ctx: Context,
  where: Prisma.EnterpriseWhereInput,
  dims: readonly (keyof typeof ENTERPRISE_COLUMNS)[],
  keyOf: (e: object) => string,
): Promise<Map<string, AchievementGroup>> {
  const achievements = { retiredAt: null, enterprise: where };
  const [rows, enterprises] = await Promise.all([
    ctx.db.achievement.groupBy({ by: ['enterpriseId'], where: achievements, ...FIGURES }),
    dims.length
      ? ctx.db.enterprise.findMany({
          where: { AND: [where, { achievements: { some: { retiredAt: null } } }] },
          select: { id: true, jurisdictionId: true, kind: true, industry: true },
        })
      : [],
  ]);
  const keyOfEnterprise = new Map(enterprises.map((e) => [e.id, keyOf(e)]));
  const groups = new Map<string, AchievementGroup>();
  for (const r of rows as unknown as AggregateRow[]) {
    const key = keyOfEnterprise.get(r.enterpriseId) ?? keyOf({});
    let g = groups.get(key);
    if (!g) groups.set(key, (g = emptyGroup(NO_KEYS, NO_NAMES)));
    add(g, r);
  }
  return groups;
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
      'How many enterprises you may see the filter names (as enterprises lists them), grouped by jurisdiction, kind and/or industry, with the figures of their achievements; one group without groupBy. Agencies and administrators only.',
    authScopes: { agency: true },
    extensions: { cost: REPORT_COST },
    args: {
      filter: t.arg({ type: EnterpriseFilter }),
      groupBy: t.arg({ type: [EnterpriseGroupByEnum], defaultValue: [], description: 'The dimensions of the groups.' }),
    },
    resolve: async (_root, { filter, groupBy }, ctx) => {
      const dims = distinct(groupBy ?? []);
      const where = visibleEnterprises(ctx, {
        AND: [await whereOf(enterpriseFilter, filter, ctx), { retiredAt: null }],
      });
      const keyOf = (e: Partial<Record<(typeof ENTERPRISE_COLUMNS)[keyof typeof ENTERPRISE_COLUMNS], unknown>>) =>
        JSON.stringify(dims.map((d) => e[ENTERPRISE_COLUMNS[d]] ?? null));
      const figures = once(() => enterpriseFigures(ctx, where, dims, keyOf));
      const groupOf = (keys: Omit<EnterpriseGroup, 'achievements'>, key: string): EnterpriseGroup => ({
        ...keys,
        achievements: async () => (await figures()).get(key) ?? emptyGroup(NO_KEYS, NO_NAMES),
      });
      if (!dims.length)
        return [
          groupOf(
            { jurisdiction: null, kind: null, industry: null, count: await ctx.db.enterprise.count({ where }) },
            keyOf({}),
          ),
        ];
      const [rows, jurisdictions] = await Promise.all([
        ctx.db.enterprise.groupBy({ by: dims.map((d) => ENTERPRISE_COLUMNS[d]), where, _count: { _all: true } }),
        dims.includes('JURISDICTION') ? byId(ctx.db.jurisdiction.findMany()) : new Map(),
      ]);
      return (
        rows as Array<{ jurisdictionId?: number; kind?: string; industry?: string | null; _count: { _all: number } }>
      ).map((r) =>
        groupOf(
          {
            jurisdiction: r.jurisdictionId === undefined ? null : jurisdictions.get(r.jurisdictionId),
            kind: r.kind ?? null,
            industry: r.industry ?? null,
            count: r._count._all,
          },
          keyOf(r),
        ),
      );
    },
  }),
}));
