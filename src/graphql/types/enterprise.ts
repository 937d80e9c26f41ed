import type { Prisma } from '../../generated/prisma/client.js';
import { builder, connectionOf } from '../builder.js';
import type { Scope as Context } from '../../scope/scope.js';
import { enterpriseFilter, EnterpriseFilter, whereOf } from '../filters.js';
import { EnterpriseOrderBy, orderOf } from '../ordering.js';
import { RecipientKindEnum } from './enums.js';
import { enterpriseScopes, visibleEnterprises } from '../../scope/access.js';

builder.prismaNode('Enterprise', {
  id: { field: 'id' },
  authScopes: enterpriseScopes,
  description: 'An enterprise or other recipient of rewards (association, park, lab, team, individual, county).',
  fields: (t) => ({
    name: t.exposeString('name'),
    creditCode: t.exposeString('creditCode', { nullable: true }),
    jurisdiction: t.relation('jurisdiction'),
    industry: t.exposeString('industry', { nullable: true }),
    kind: t.expose('kind', { type: RecipientKindEnum }),
    createdAt: t.expose('createdAt', { type: 'Date', description: 'The day it was recorded (UTC).' }),
    achievements: t.relatedConnection(
      'achievements',
      {
        cursor: 'id',
        totalCount: true,
        description: 'What it has obtained, retired achievements left out, by the day obtained.',
        query: { where: { retiredAt: null }, orderBy: [{ obtainedOn: 'asc' }, { id: 'asc' }] },
      },
      connectionOf('Achievement'),
    ),
  }),
});

/** The enterprises a filter names among those the caller may see, retired ones left out. */
async function enterpriseWhere(filter: object | null | undefined, ctx: Context): Promise<Prisma.EnterpriseWhereInput> {
  return visibleEnterprises(ctx, { AND: [await whereOf(enterpriseFilter, filter, ctx), { retiredAt: null }] });
}

builder.queryFields((t) => ({
  enterprises: t.prismaConnection(
    {
      type: 'Enterprise',
      cursor: 'id',
      description:
        'Enterprises and other recipients you may see (an agency: those in its jurisdictions), retired ones left out. Agencies and administrators only.',
      authScopes: { agency: true },
      args: {
        filter: t.arg({ type: EnterpriseFilter }),
        orderBy: t.arg({
          type: [EnterpriseOrderBy],
          description: 'Keys to order by; the id breaks ties (default: the id).',
        }),
      },
      totalCount: async (_p, { filter }, ctx) => ctx.db.enterprise.count({ where: await enterpriseWhere(filter, ctx) }),
      resolve: async (query, _root, { filter, orderBy }, ctx) =>
        ctx.db.enterprise.findMany({
          ...query,
          where: await enterpriseWhere(filter, ctx),
          orderBy: orderOf(orderBy, []),
        }),
    },
    connectionOf('Enterprise'),
  ),
}));
