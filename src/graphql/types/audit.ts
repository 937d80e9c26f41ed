/** The audit log: one entry per write (who, when, what, the row before and after), for administrators. */
import { builder, connectionOf } from '../builder.js';
import type { Scope as Context } from '../../scope/scope.js';
import { auditEntryFilter, AuditEntryFilter, whereOf } from '../filters.js';
import { AuditEntryOrderBy, orderOf, pageOf } from '../ordering.js';

builder.prismaObject('AuditEntry', {
  description: 'One write: who, when, what, and the row before and after.',
  authScopes: { admin: true },
  fields: (t) => ({
    id: t.exposeID('id'),
    at: t.expose('at', { type: 'Date', description: 'The day of the write (UTC).' }),
    actor: t.exposeString('actor'),
    action: t.exposeString('action'),
    entity: t.exposeString('entity'),
    entityId: t.exposeInt('entityId'),
    before: t.expose('before', { type: 'JSON', nullable: true }),
    after: t.expose('after', { type: 'JSON', nullable: true }),
  }),
});

/** The entries the filter (and the older `entity` and `entityId` arguments) names. */
const auditWhere = async (
  ctx: Context,
  entity: string | null | undefined,
  entityId: number | null | undefined,
  filter: object | null | undefined,
) => ({
  AND: [
    await whereOf(auditEntryFilter, filter, ctx),
    { ...(entity ? { entity } : {}), ...(entityId ? { entityId } : {}) },
  ],
});

builder.queryField('auditLog', (t) =>
  t.prismaConnection(
    {
      type: 'AuditEntry',
      cursor: 'id',
      description:
        'Every write, newest first; filter by entity (Enterprise, Achievement, Observation, Policy, ApiKey) and its id. Administrators only.',
      authScopes: { admin: true },
      args: {
        entity: t.arg.string({ description: 'Only writes of this type (as filter: {entity: {equals}}).' }),
        entityId: t.arg.int({ description: 'Only writes of the row with this id.' }),
        filter: t.arg({ type: AuditEntryFilter }),
        orderBy: t.arg({
          type: [AuditEntryOrderBy],
          description: 'Keys to order by; the id breaks ties (default: newest first).',
        }),
      },
      totalCount: async (_p, { entity, entityId, filter }, ctx) =>
        ctx.db.auditEntry.count({ where: await auditWhere(ctx, entity, entityId, filter) }),
      resolve: async (query, _root, { entity, entityId, filter, orderBy }, ctx) =>
        ctx.db.auditEntry.findMany(
          await pageOf(
            ctx.db,
            'AuditEntry',
            query,
            await auditWhere(ctx, entity, entityId, filter),
            orderOf(orderBy, [{ id: 'desc' }]),
          ),
        ),
    },
    connectionOf('AuditEntry'),
  ),
);
