/** Clauses: the node, and the list of every policy's clauses (public, as the policies are). */
import { builder, connectionOf } from '../builder.js';
import { clauseFilter, ClauseFilter, whereOf } from '../filters.js';
import { ClauseOrderBy, orderOf, pageOf } from '../ordering.js';

builder.prismaNode('Clause', {
  id: { field: 'id' },
  description: 'A numbered clause of a policy (一、/(四)/1.) with its original text.',
  fields: (t) => ({
    path: t.exposeString('path', { description: 'Numbers from the top, joined by "/": "二/(四)".' }),
    number: t.exposeString('number', { description: 'The number as the document prints it.' }),
    heading: t.exposeString('heading', { nullable: true }),
    text: t.exposeString('text', { description: 'The original text (原文).' }),
    policy: t.relation('policy'),
    parent: t.relation('parent', { nullable: true }),
    children: t.relation('children', { query: { orderBy: { position: 'asc' } } }),
    incentives: t.relation('incentives', { query: { orderBy: { position: 'asc' } } }),
    targets: t.relation('targets', { query: { orderBy: { position: 'asc' } } }),
  }),
});

builder.queryFields((t) => ({
  clauses: t.prismaConnection(
    {
      type: 'Clause',
      cursor: 'id',
      description:
        'Clauses of every policy at every level, by policy then document order; filter by policy, path, text or the rewards they promise.',
      args: {
        filter: t.arg({ type: ClauseFilter }),
        orderBy: t.arg({
          type: [ClauseOrderBy],
          description: 'Keys to order by; the id breaks ties (default: by policy, then document order).',
        }),
      },
      totalCount: async (_p, { filter }, ctx) =>
        ctx.db.clause.count({ where: await whereOf(clauseFilter, filter, ctx) }),
      resolve: async (query, _root, { filter, orderBy }, ctx) =>
        ctx.db.clause.findMany(
          await pageOf(
            ctx.db,
            'Clause',
            query,
            await whereOf(clauseFilter, filter, ctx),
            orderOf(orderBy, [{ policyId: 'asc' }, { position: 'asc' }]),
          ),
        ),
    },
    connectionOf('Clause'),
  ),
}));
