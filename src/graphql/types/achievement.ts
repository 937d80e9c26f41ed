import type { Prisma } from '../../generated/prisma/client.js';
import { builder, connectionOf } from '../builder.js';
import type { Scope as Context } from '../../scope/scope.js';
import { achievementFilter, AchievementFilter, whereOf } from '../filters.js';
import { AchievementOrderBy, orderOf } from '../ordering.js';
import { achievementScopes, visibleEnterprises } from '../../scope/access.js';

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

/** The achievements a filter names among those the caller may see, retired ones left out. */
async function achievementWhere(
  filter: object | null | undefined,
  ctx: Context,
): Promise<Prisma.AchievementWhereInput> {
  return {
    AND: [await whereOf(achievementFilter, filter, ctx), { retiredAt: null, enterprise: visibleEnterprises(ctx, {}) }],
  };
}

builder.queryFields((t) => ({
  achievements: t.prismaConnection(
    {
      type: 'Achievement',
      cursor: 'id',
      description:
        'Achievements of the enterprises you may see, retired ones left out, by the day obtained. Agencies and administrators only.',
      authScopes: { agency: true },
      args: {
        filter: t.arg({ type: AchievementFilter }),
        orderBy: t.arg({
          type: [AchievementOrderBy],
          description: 'Keys to order by; the id breaks ties (default: the day obtained).',
        }),
      },
      totalCount: async (_p, { filter }, ctx) =>
        ctx.db.achievement.count({ where: await achievementWhere(filter, ctx) }),
      resolve: async (query, _root, { filter, orderBy }, ctx) =>
        ctx.db.achievement.findMany({
          ...query,
          where: await achievementWhere(filter, ctx),
          orderBy: orderOf(orderBy, [{ obtainedOn: 'asc' }]),
        }),
    },
    connectionOf('Achievement'),
  ),
}));
