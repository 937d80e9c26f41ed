import type { Prisma } from '../../generated/prisma/client.js';
import { builder, connectionOf } from '../builder.js';
import type { Scope as Context } from '../../scope/scope.js';
import { decodeIdOf } from '../ids.js';
import { userError } from '../errors.js';
import { achievementScopes, visibleEnterprises } from '../../scope/access.js';

export const AchievementFilter = builder.inputType('AchievementFilter', {
  description: 'Which achievements to list (never retired ones); the conditions given must all hold.',
  fields: (t) => ({
    enterprise: t.id({ description: 'Only achievements of this enterprise (its global ID).' }),
    jurisdiction: t.id({ description: 'Achievements of enterprises in this jurisdiction or under it.' }),
    kind: t.string({ description: 'An achievement kind code.' }),
    obtainedFrom: t.field({ type: 'Date', description: 'Only achievements obtained on or after this day.' }),
    obtainedTo: t.field({
      type: 'Date',
      description: 'Only achievements obtained on or before this day (not before obtainedFrom).',
    }),
  }),
});

builder.prismaNode('Achievement', {
  id: { field: 'id' },
  authScopes: achievementScopes,
  description:
    'Something an enterprise obtained (an award, a certification, a standard drafted), with the facts rules need.',
  fields: (t) => ({
    enterprise: t.relation('enterprise'),
    kind: t.relation('kind'),
    level: t.exposeString('level', { nullable: true }),
    obtainedOn: t.expose('obtainedOn', { type: 'Date' }),
    units: t.exposeInt('units', { nullable: true }),
    costYuan: t.expose('costYuan', { type: 'SafeInt', nullable: true }),
    budgetYuan: t.expose('budgetYuan', { type: 'SafeInt', nullable: true }),
    provincialGrantYuan: t.expose('provincialGrantYuan', { type: 'SafeInt', nullable: true }),
    rank: t.exposeInt('rank', { nullable: true }),
    projectKey: t.exposeString('projectKey', { nullable: true }),
    facts: t.expose('facts', { type: 'JSON' }),
    evidence: t.exposeString('evidence', { nullable: true }),
  }),
});

async function achievementWhere(
  filter:
    | {
        enterprise?: string | null;
        jurisdiction?: string | null;
        kind?: string | null;
        obtainedFrom?: Date | null;
        obtainedTo?: Date | null;
      }
    | null
    | undefined,
  ctx: Context,
): Promise<Prisma.AchievementWhereInput> {
  const { loaders } = ctx;
  const where: Prisma.AchievementWhereInput = { retiredAt: null, enterprise: visibleEnterprises(ctx, {}) };
  if (filter?.enterprise) where.enterpriseId = decodeIdOf('Enterprise', filter.enterprise, 'filter.enterprise');
  if (filter?.jurisdiction) {
    const id = decodeIdOf('Jurisdiction', filter.jurisdiction, 'filter.jurisdiction');
    where.enterprise = visibleEnterprises(ctx, { jurisdictionId: { in: await loaders.jurisdictionSubtree.load(id) } });
  }
  if (filter?.kind) where.kind = { code: filter.kind };
  if (filter?.obtainedFrom && filter?.obtainedTo && filter.obtainedFrom > filter.obtainedTo) {
    throw userError('INVALID_ARGUMENT', 'filter.obtainedTo', 'obtainedTo is before obtainedFrom');
  }
  if (filter?.obtainedFrom || filter?.obtainedTo) {
    where.obtainedOn = { gte: filter.obtainedFrom ?? undefined, lte: filter.obtainedTo ?? undefined };
  }
  return where;
}

builder.queryFields((t) => ({
  achievements: t.prismaConnection(
    {
      type: 'Achievement',
      cursor: 'id',
      description:
        'Achievements of the enterprises you may see, retired ones left out, by the day obtained. Agencies and administrators only.',
      authScopes: { agency: true },
      args: { filter: t.arg({ type: AchievementFilter }) },
      totalCount: async (_p, { filter }, ctx) =>
        ctx.db.achievement.count({ where: await achievementWhere(filter, ctx) }),
      resolve: async (query, _root, { filter }, ctx) =>
        ctx.db.achievement.findMany({
          ...query,
          where: await achievementWhere(filter, ctx),
          orderBy: [{ obtainedOn: 'asc' }, { id: 'asc' }],
        }),
    },
    connectionOf('Achievement'),
  ),
}));
