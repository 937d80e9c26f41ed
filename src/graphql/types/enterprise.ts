/** Enterprises (and other recipients): the node, the list agencies page through, and the writes that create, change and retire one. */
import type { Prisma } from '../../generated/prisma/client.js';
import { createEnterprise, retireEnterprise, updateEnterprise } from '../../writes/enterprises.js';
import { builder, connectionOf, withId } from '../builder.js';
import type { Scope as Context } from '../../scope/scope.js';
import { decodeIdOf } from '../ids.js';
import { enterpriseFilter, EnterpriseFilter, whereOf } from '../filters.js';
import { EnterpriseOrderBy, orderOf, pageOf } from '../ordering.js';
import { RecipientKindEnum } from './enums.js';
import {
  actorOf,
  checkEnterprise,
  checkJurisdictionCode,
  enterpriseScopes,
  visibleEnterprises,
} from '../../scope/access.js';
import { definedOnly, IDEMPOTENCY } from '../arguments.js';
import { refusable } from '../payloads.js';
import { nestedList } from '../nested.js';
import { jurisdictionRow } from '../corpus-rows.js';

builder.prismaNode('Enterprise', {
  id: { field: 'id' },
  authScopes: enterpriseScopes,
  description: 'An enterprise or other recipient of rewards (association, park, lab, team, individual, county).',
  fields: (t) => ({
    name: t.exposeString('name'),
    creditCode: t.exposeString('creditCode', { nullable: true }),
    jurisdiction: t.prismaField({
      type: 'Jurisdiction',
      description:
        'The jurisdiction it is in; a policy covering that jurisdiction or one above it covers the enterprise.',
      select: { jurisdictionId: true },
      resolve: (query, enterprise, _args, ctx) => jurisdictionRow(ctx, query, enterprise.jurisdictionId),
    }),
    industry: t.exposeString('industry', { nullable: true }),
    kind: t.expose('kind', { type: RecipientKindEnum }),
    createdAt: t.expose('createdAt', { type: 'Date', description: 'The day it was recorded (UTC).' }),
  }),
});

/** The enterprises a filter names among those the caller may see, retired ones left out. */
async function enterpriseWhere(filter: object | null | undefined, ctx: Context): Promise<Prisma.EnterpriseWhereInput> {
  return visibleEnterprises(ctx, { AND: [await whereOf(enterpriseFilter, filter, ctx), { retiredAt: null }] });
}

builder.prismaObjectField('Jurisdiction', 'enterprises', (t) =>
  nestedList(t, {
    relation: 'enterprises',
    type: 'Enterprise',
    filter: EnterpriseFilter,
    orderBy: EnterpriseOrderBy,
    where: enterpriseWhere,
    fallback: [],
    authScopes: { agency: true },
    description:
      "The enterprises recorded in this jurisdiction itself (a city's districts list their own; enterprises(filter: {jurisdiction}) lists a subtree) that you may see, retired ones left out, by id. Agencies and administrators only.",
  }),
);

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
        ctx.db.enterprise.findMany(
          await pageOf(ctx.db, 'Enterprise', query, await enterpriseWhere(filter, ctx), orderOf(orderBy, [])),
        ),
    },
    connectionOf('Enterprise'),
  ),
}));

const EnterpriseInput = builder.inputType('EnterpriseInput', {
  description: 'An enterprise. On update, an absent field is kept and a null one cleared.',
  fields: (t) => ({
    name: t.string({ description: 'The name (名称), up to 200 characters; required when creating.' }),
    creditCode: t.string({ description: '统一社会信用代码, checked against GB 32100-2015.' }),
    jurisdiction: t.string({ description: 'A jurisdiction code, e.g. gd-foshan-nanhai.' }),
    industry: t.string({ description: 'Its industry (行业), free text up to 50 characters.' }),
    kind: t.field({
      type: RecipientKindEnum,
      description: 'What kind of recipient it is; ENTERPRISE when not given on creation.',
    }),
  }),
});

const loadEnterprise = (
  ctx: Context,
  query: { include?: Prisma.EnterpriseInclude; select?: Prisma.EnterpriseSelect },
  id: number,
) => ctx.db.enterprise.findUniqueOrThrow({ ...withId(query), where: { id } });

builder.mutationFields((t) => ({
  createEnterprise: t.prismaField({
    type: 'Enterprise',
    description: 'Records an enterprise (or other recipient) in a jurisdiction you may write.',
    authScopes: { agency: true },
    errors: refusable('The enterprise as created'),
    args: {
      input: t.arg({ type: EnterpriseInput, required: true }),
      idempotencyKey: t.arg.string({ description: IDEMPOTENCY }),
    },
    resolve: async (query, _root, { input, idempotencyKey }, ctx) => {
      await checkJurisdictionCode(ctx, input.jurisdiction, 'input.jurisdiction');
      return loadEnterprise(
        ctx,
        query,
        (await createEnterprise(ctx.db, actorOf(ctx), definedOnly(input), idempotencyKey)).id,
      );
    },
  }),
  updateEnterprise: t.prismaField({
    type: 'Enterprise',
    description: 'Changes an enterprise you may write: an absent field is kept, a null one cleared.',
    authScopes: { agency: true },
    errors: refusable('The enterprise as changed'),
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: EnterpriseInput, required: true }),
      idempotencyKey: t.arg.string({ description: IDEMPOTENCY }),
    },
    resolve: async (query, _root, { id, input, idempotencyKey }, ctx) => {
      const enterpriseId = decodeIdOf('Enterprise', id, 'id');
      await checkEnterprise(ctx, enterpriseId, 'id');
      await checkJurisdictionCode(ctx, input.jurisdiction, 'input.jurisdiction');
      await updateEnterprise(ctx.db, actorOf(ctx), enterpriseId, definedOnly(input), idempotencyKey);
      return loadEnterprise(ctx, query, enterpriseId);
    },
  }),
  retireEnterprise: t.prismaField({
    type: 'Enterprise',
    description: 'Retires an enterprise: it leaves lists and reports, its history stays.',
    authScopes: { agency: true },
    errors: refusable('The enterprise as retired'),
    args: { id: t.arg.id({ required: true }), idempotencyKey: t.arg.string({ description: IDEMPOTENCY }) },
    resolve: async (query, _root, { id, idempotencyKey }, ctx) => {
      const enterpriseId = decodeIdOf('Enterprise', id, 'id');
      await checkEnterprise(ctx, enterpriseId, 'id');
      await retireEnterprise(ctx.db, actorOf(ctx), enterpriseId, idempotencyKey);
      return loadEnterprise(ctx, query, enterpriseId);
    },
  }),
}));
