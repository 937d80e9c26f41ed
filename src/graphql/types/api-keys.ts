/**
 * API keys, for administrators: issueApiKey (the secret in its answer only, stored as its SHA-256),
 * revokeApiKey, and the list of keys. Both writes are audited (who issued or revoked which key, never
 * the secret) and take effect on the next request of every server sharing the database, because each
 * request looks its key up (src/server/rate-limit.ts).
 */
import { Role } from '../../generated/prisma/enums.js';
import { issueApiKey, revokeApiKey } from '../../auth/keys.js';
import { actorOf } from '../../scope/access.js';
import { builder, connectionOf, withId } from '../builder.js';
import { decodeIdOf } from '../ids.js';
import { definedOnly, IDEMPOTENCY, refusable } from './writes.js';

const ApiKeyRoleEnum = builder.enumType(Role, {
  name: 'ApiKeyRole',
  description:
    'AGENCY: reads and writes enterprises, achievements, entitlements and observations inside its jurisdictions. ADMIN: everything, everywhere, including the audit log and API keys.',
});

builder.prismaNode('ApiKey', {
  id: { field: 'id' },
  authScopes: { admin: true },
  description:
    'An API key, sent as Authorization: Bearer <secret>. Its secret is shown once, when issued; only its SHA-256 is stored. Administrators only.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Who holds it, e.g. 南海区市场监管局.' }),
    role: t.expose('role', { type: ApiKeyRoleEnum, description: 'What it may do: AGENCY or ADMIN.' }),
    jurisdictions: t.exposeStringList('jurisdictions', {
      description: 'For an agency: the jurisdiction codes it may see and write, each with everything under it.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was issued.' }),
    revokedAt: t.expose('revokedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was revoked: from then on every request with it is refused (401). Null while valid.',
    }),
  }),
});

const IssuedApiKey = builder.objectRef<{ id: number; secret: string | null }>('IssuedApiKey').implement({
  description: 'A key just issued, with its secret: this answer is the only place the secret is shown.',
  fields: (t) => ({
    secret: t.string({
      nullable: true,
      description:
        'The key to send as Authorization: Bearer <secret>, valid from the next request on every server. Shown here only; keep it now. Null when the answer replays an idempotency key: the secret was in the first answer, and if that was lost, revoke this key and issue another.',
      resolve: (issued) => issued.secret,
    }),
    apiKey: t.prismaField({
      type: 'ApiKey',
      description: 'The key as stored.',
      resolve: (query, issued, _args, ctx) =>
        ctx.db.apiKey.findUniqueOrThrow({ ...withId(query), where: { id: issued.id } }),
    }),
  }),
});

const IssueApiKeyInput = builder.inputType('IssueApiKeyInput', {
  description: 'Who gets a key, and what it may do.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Who holds it, up to 200 characters, e.g. 南海区市场监管局.' }),
    role: t.field({ type: ApiKeyRoleEnum, required: true, description: 'What it may do: AGENCY or ADMIN.' }),
    jurisdictions: t.stringList({
      description:
        'For an agency (at least one): jurisdiction codes, e.g. gd-foshan-nanhai, each with everything under it. None for an administrator.',
    }),
  }),
});

builder.mutationFields((t) => ({
  issueApiKey: t.field({
    type: IssuedApiKey,
    description:
      'Issues an API key and answers its secret, once. It works from the next request, on every server sharing the database. Administrators only.',
    authScopes: { admin: true },
    errors: refusable('The key as issued, with its secret'),
    args: {
      input: t.arg({ type: IssueApiKeyInput, required: true }),
      idempotencyKey: t.arg.string({
        description: `${IDEMPOTENCY} The replayed answer has no secret (it is shown once).`,
      }),
    },
    resolve: (_root, { input, idempotencyKey }, ctx) =>
      issueApiKey(ctx.db, actorOf(ctx), definedOnly(input), idempotencyKey),
  }),
  revokeApiKey: t.prismaField({
    type: 'ApiKey',
    description:
      'Revokes an API key: from the next request on, on every server sharing the database, it is refused. The last administrator key cannot be revoked. Administrators only.',
    authScopes: { admin: true },
    errors: refusable('The key as revoked'),
    args: { id: t.arg.id({ required: true }), idempotencyKey: t.arg.string({ description: IDEMPOTENCY }) },
    resolve: async (query, _root, { id, idempotencyKey }, ctx) => {
      const keyId = decodeIdOf('ApiKey', id, 'id');
      await revokeApiKey(ctx.db, actorOf(ctx), keyId, idempotencyKey);
      return ctx.db.apiKey.findUniqueOrThrow({ ...withId(query), where: { id: keyId } });
    },
  }),
}));

const revokedWhere = (revoked: boolean | null | undefined) =>
  revoked == null ? {} : { revokedAt: revoked ? { not: null } : null };

builder.queryField('apiKeys', (t) =>
  t.prismaConnection(
    {
      type: 'ApiKey',
      cursor: 'id',
      description: 'The API keys, newest first; revoked: false lists the valid ones only. Administrators only.',
      authScopes: { admin: true },
      args: { revoked: t.arg.boolean({ description: 'Only revoked keys (true) or only valid ones (false).' }) },
      totalCount: (_parent, { revoked }, { db }) => db.apiKey.count({ where: revokedWhere(revoked) }),
      resolve: (query, _root, { revoked }, { db }) =>
        db.apiKey.findMany({ ...query, where: revokedWhere(revoked), orderBy: { id: 'desc' } }),
    },
    connectionOf('ApiKey'),
  ),
);
