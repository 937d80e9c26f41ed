/** The audit log: one entry per write (who, when, what, the row before and after), for administrators. */
import { builder, connectionOf } from '../builder.js';

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

const auditWhere = (entity: string | null | undefined, entityId: number | null | undefined) => ({
  ...(entity ? { entity } : {}),
  ...(entityId ? { entityId } : {}),
});

builder.queryField('auditLog', (t) =>
  t.prismaConnection(
    {
      type: 'AuditEntry',
      cursor: 'id',
      description:
        'Every write, newest first; filter by entity (Enterprise, Achievement, Observation, Policy, ApiKey) and its id. Administrators only.',
      authScopes: { admin: true },
      args: { entity: t.arg.string(), entityId: t.arg.int() },
      totalCount: (_p, { entity, entityId }, { db }) => db.auditEntry.count({ where: auditWhere(entity, entityId) }),
      resolve: (query, _root, { entity, entityId }, { db }) =>
        db.auditEntry.findMany({ ...query, where: auditWhere(entity, entityId), orderBy: { id: 'desc' } }),
    },
    connectionOf('AuditEntry'),
  ),
);
