/**
 * The schema builder and its capabilities: Prisma-backed Relay nodes and connections,
 * DataLoader batching, typed errors, and the scalars the domain needs.
 */
import SchemaBuilder, { type ObjectRef } from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import PrismaUtilsPlugin from '@pothos/plugin-prisma-utils';
import RelayPlugin, { resolveNodes } from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
import { DateResolver, DateTimeResolver, JSONResolver, SafeIntResolver } from 'graphql-scalars';
import type PrismaTypes from '../generated/pothos-prisma-types.js';
import { getDatamodel } from '../generated/pothos-prisma-types.js';
import type { Scope as Context } from '../scope/scope.js';
import { isObjectType, type GraphQLSchema } from 'graphql';
import { decodeId } from './ids.js';
import { userError } from './errors.js';
import { phrase } from '../engines/message.js';
import { authScopesOf, nodeVisible, type AuthScopes } from '../scope/access.js';
import { forbidden } from './access.js';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** A global ID naming a type that is not a Node of this schema is a typed error, not a crash. */
function assertNodeType(schema: GraphQLSchema, typename: string, field: string) {
  const type = schema.getType(typename);
  if (!isObjectType(type) || !type.getInterfaces().some((i) => i.name === 'Node'))
    throw userError('INVALID_ID', field, phrase('error.NOT_A_NODE_TYPE', { typename }));
}

/** A node as node(id) answers it: null when the ID names nothing or nothing the caller may see. */
async function visibleNode(ctx: Context, typename: string, load: () => Promise<unknown>): Promise<unknown> {
  let node: unknown;
  try {
    node = await load();
  } catch (error) {
    if ((error as { code?: string }).code === 'P2025') return null;
    throw error;
  }
  return node != null && (await nodeVisible(ctx, typename, node)) ? node : null;
}

/** The stem of a field's result types: the mutation's name (createEnterprise → CreateEnterprise), or Parent+Field elsewhere. */
function writeName(parentTypeName: string, fieldName: string): string {
  const name = fieldName.charAt(0).toUpperCase() + fieldName.slice(1);
  return parentTypeName === 'Mutation' ? name : `${parentTypeName}${name}`;
}

export const builder = new SchemaBuilder<{
  Context: Context;
  AuthScopes: AuthScopes;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  Scalars: {
    Date: { Input: Date; Output: Date };
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
    SafeInt: { Input: number; Output: number };
  };
}>({
  plugins: [
    ScopeAuthPlugin,
    ErrorsPlugin,
    PrismaPlugin,
    PrismaUtilsPlugin,
    RelayPlugin,
    DataloaderPlugin,
    SimpleObjectsPlugin,
  ],
  scopeAuth: { authScopes: authScopesOf, unauthorizedError: forbidden },
  defaultFieldNullability: false,
  prisma: {
    client: (ctx) => ctx.db,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    maxConnectionSize: MAX_PAGE_SIZE,
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    onUnusedQuery: null,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    decodeGlobalID: (globalID) => decodeId(globalID, 'id'),
    // Descriptions of what the plugin generates: the Node interface, every object's global ID,
    // PageInfo, and the fields of every connection and edge type.
    nodeTypeOptions: {
      description: 'An object that can be fetched by its global ID with node(id) or nodes(ids) (Relay).',
    },
    idFieldOptions: {
      description:
        'The global ID (Relay): base64 of "Type:id"; pass it to node(id) or to any argument that takes an ID.',
    },
    pageInfoTypeOptions: {
      description:
        'Where a page of a list stands (Relay): the cursors of its first and last items, and whether there are more.',
    },
    hasNextPageFieldOptions: { description: 'Whether more items follow this page (ask again with after: endCursor).' },
    hasPreviousPageFieldOptions: {
      description: 'Whether items precede this page (ask again with before: startCursor).',
    },
    startCursorFieldOptions: { description: 'The cursor of the first item of the page; null when the page is empty.' },
    endCursorFieldOptions: { description: 'The cursor of the last item of the page; null when the page is empty.' },
    edgesFieldOptions: { description: 'The items of this page, each with its cursor.' },
    pageInfoFieldOptions: { description: 'The cursors of this page, and whether there are more pages.' },
    cursorFieldOptions: { description: 'An opaque position: pass it as after or before to page on from this item.' },
    nodeFieldOptions: { description: 'The item.' },
    // Relay: node(id) of a well-formed ID that names nothing is null, not an error.
    nodeQueryOptions: {
      description:
        'Any object by its global ID; null when the ID is well-formed but names nothing you may see, an error when it names no type of this schema.',
      resolve: async (_root, { id }, ctx, info, resolveNode) => {
        assertNodeType(info.schema, id.typename, 'id');
        return visibleNode(ctx, id.typename, async () => resolveNode(id));
      },
    },
    nodesQueryOptions: {
      description:
        'Several objects by their global IDs (Relay), in the order given; null at the place of an ID that names nothing you may see.',
      resolve: async (_root, { ids }, ctx, info): Promise<unknown[]> => {
        ids.forEach((id, i) => assertNodeType(info.schema, id.typename, `ids[${i}]`));
        // One ID at a time (the plugin's batch fails whole when one row is missing), batched again by Prisma.
        const self = builder as unknown as Parameters<typeof resolveNodes>[0];
        return Promise.all(
          ids.map((id): Promise<unknown> =>
            visibleNode(ctx, id.typename, async () => (await resolveNodes(self, ctx, info, [id]))[0]),
          ),
        );
      },
    },
  },
  errors: {
    defaultTypes: [],
    // Every write answers <Name>Result = <Name>Payload | <refusal>, named after the mutation as
    // GraphQL users expect (CreateEnterprisePayload), not after Pothos' parent type and field
    // (MutationCreateEnterpriseSuccess): one rule here, so new mutations follow it unasked.
    defaultResultOptions: { name: ({ parentTypeName, fieldName }) => `${writeName(parentTypeName, fieldName)}Payload` },
    defaultUnionOptions: { name: ({ parentTypeName, fieldName }) => `${writeName(parentTypeName, fieldName)}Result` },
  },
});

builder.addScalarType('Date', DateResolver, { description: 'A calendar date, YYYY-MM-DD.' });
builder.addScalarType('DateTime', DateTimeResolver, {
  description: 'An instant, ISO 8601 in UTC (2026-11-29T02:30:00.000Z).',
});
builder.addScalarType('JSON', JSONResolver, {});
builder.addScalarType('SafeInt', SafeIntResolver, {
  description: 'An integer up to 2^53-1; money is always integer yuan.',
});

/** The builder's type parameters, for helpers that build fields outside a type's definition. */
export type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/**
 * The query Pothos plans for a field, never with an empty `select`: a selection of only __typename
 * (or only a fragment on another member of a result union) plans `select: {}`, which Prisma
 * refuses. A mutation reads its row after the write committed, so that refusal would answer an
 * error for a stored write; selecting the id as well costs nothing.
 */
export function withId<Q extends { select?: object }>(query: Q): Q {
  return query.select ? { ...query, select: { id: true, ...query.select } } : query;
}

type ConnectionParent = { totalCount?: number | (() => Promise<number> | number) };
const connections = new Map<string, ObjectRef<Types, ConnectionParent>>();

/**
 * The page type of every list of `node`: <Node>Connection with <Node>Edge, one type whichever field
 * lists it (GitHub's and Shopify's rule), with its totalCount. The relay plugin would name each
 * after its field (QueryEnterprisesConnection) and has no option to change that, so every
 * connection field passes connectionOf(node) and this is the one place the names are decided.
 */
export function connectionOf<Shape = never>(node: string): ObjectRef<Types, Shape> {
  let ref = connections.get(node);
  if (!ref) {
    ref = builder.connectionObject(
      {
        // A type name resolves to the type registered under it when the schema is built.
        type: node as never,
        name: `${node}Connection`,
        description: `A page of a list of ${node} objects (Relay connection): ${DEFAULT_PAGE_SIZE} items unless first or last asks for up to ${MAX_PAGE_SIZE}.`,
        fields: (t) => ({
          totalCount: t.int({
            description: 'How many items the list holds over all its pages.',
            // t.prismaConnection hands a function (counted only when asked), t.relatedConnection a number.
            resolve: async (page) => {
              const { totalCount } = page as ConnectionParent;
              return typeof totalCount === 'function' ? totalCount() : totalCount!;
            },
          }),
        }),
      },
      { name: `${node}Edge`, description: `One ${node} in a page, with its cursor.` },
    ) as unknown as ObjectRef<Types, ConnectionParent>;
    connections.set(node, ref);
  }
  return ref as unknown as ObjectRef<Types, Shape>;
}
