/**
 * The lists under an object (an enterprise's achievements, a policy's incentives and targets, a
 * kind's incentives, a jurisdiction's enterprises): the same `filter` and `orderBy` inputs as the
 * root list of their noun, its `where` (the caller's filter with the list's rules ANDed on, so a
 * filter never widens what the caller sees), and its keyset pages (pageOf).
 *
 * Batched: every parent row asking a list with the same arguments and selection is one key of a
 * DataLoader, and the loader reads the pages of all of them in one findMany of the parent model
 * selecting the relation (Prisma takes each parent's page), its totalCount in one more. Statements
 * grow with the depth of the query, not with its rows.
 */
import type { InputObjectRef } from '@pothos/core';
import DataLoader from 'dataloader';
import type { Scope as Context } from '../scope/scope.js';
import { connectionOf, type Types } from './builder.js';
import { type Order, orderOf, pageOf } from './ordering.js';

type Where = Record<string, unknown>;
type Model = keyof Types['PrismaTypes'] & string;
type Delegate = { findMany(args: object): Promise<Array<Record<string, unknown> & { id: number }>> };

export interface NestedList {
  /** The parent's model and the relation listed, e.g. Enterprise's `achievements`. */
  parent: Model;
  relation: string;
  /** The listed model, and the inputs of its root list. */
  type: Model;
  filter: InputObjectRef<Types, Where>;
  orderBy: InputObjectRef<Types, Order>;
  /** The root list's `where`: the caller's filter and the rules every row of the noun must meet. */
  where: (filter: object | null | undefined, ctx: Context) => Promise<Where>;
  /** The ordering when none is asked (the id is added last). */
  fallback: Order[];
  description: string;
  /** Who may read it, where the parent is public and the rows are not (as the root list's). */
  authScopes?: Partial<Types['AuthScopes']>;
}

interface Args {
  filter?: object | null;
  orderBy?: readonly Order[] | null;
}
interface Key extends Args {
  id: number;
  query?: object;
}

const delegateOf = (ctx: Context, model: Model) =>
  (ctx.db as unknown as Record<string, Delegate>)[model.charAt(0).toLowerCase() + model.slice(1)];

/** Keys asking the same page (or count) of different parents, together. */
function groups(keys: readonly Key[]): Map<string, Key[]> {
  const grouped = new Map<string, Key[]>();
  for (const key of keys) {
    const { id: _id, ...asked } = key;
    const group = JSON.stringify(asked);
    grouped.set(group, [...(grouped.get(group) ?? []), key]);
  }
  return grouped;
}

/** One loader of `list` per request and what it reads (the pages, or the counts). */
function loaderOf<V>(
  ctx: Context,
  list: NestedList,
  what: 'page' | 'count',
  read: (asked: Key, where: Where) => Promise<object>,
  pick: (row: Record<string, unknown>) => V,
): DataLoader<Key, V, string> {
  let perRequest = loaders.get(ctx);
  if (!perRequest) loaders.set(ctx, (perRequest = new Map()));
  const name = `${list.parent}.${list.relation}:${what}`;
  let loader = perRequest.get(name) as DataLoader<Key, V, string> | undefined;
  if (!loader) {
    loader = new DataLoader<Key, V, string>(
      async (keys) => {
        const found = new Map<number, V>();
        for (const [, asked] of groups(keys)) {
          const where = await list.where(asked[0].filter, ctx);
          const rows = await delegateOf(ctx, list.parent).findMany({
            where: { id: { in: asked.map((k) => k.id) } },
            select: { id: true, ...(await read(asked[0], where)) },
          });
          for (const row of rows) found.set(row.id, pick(row));
        }
        return keys.map((k) => found.get(k.id)!);
      },
      { cacheKeyFn: (key) => JSON.stringify(key) },
    );
    perRequest.set(name, loader);
  }
  return loader;
}
const loaders = new WeakMap<Context, Map<string, unknown>>();

/** What nestedList uses of the parent type's field builder (its type depends on the parent's model). */
interface Fields {
  arg: PothosSchemaTypes.RootFieldBuilder<Types, unknown>['arg'];
  prismaConnection(options: never, connection: never): unknown;
}

/** The connection field of `list` on its parent's type (t is that type's field builder). */
export function nestedList(t: Fields, list: NestedList) {
  const page = (ctx: Context) =>
    loaderOf(
      ctx,
      list,
      'page',
      async ({ query, orderBy }, where) => ({
        [list.relation]: await pageOf(ctx.db, list.type, query!, where, orderOf(orderBy, list.fallback)),
      }),
      (row) => row[list.relation] as object[],
    );
  const count = (ctx: Context) =>
    loaderOf(
      ctx,
      list,
      'count',
      async (_asked, where) => ({ _count: { select: { [list.relation]: { where } } } }),
      (row) => (row._count as Record<string, number>)[list.relation],
    );
  return t.prismaConnection(
    {
      type: list.type as never,
      cursor: 'id' as never,
      description: list.description,
      authScopes: list.authScopes,
      args: {
        filter: t.arg({ type: list.filter }),
        orderBy: t.arg({ type: [list.orderBy], description: 'Keys to order by; the id breaks ties.' }),
      },
      totalCount: (parent: { id: number }, { filter }: Args, ctx: Context) =>
        count(ctx).load({ id: parent.id, filter }),
      resolve: (query: object, parent: { id: number }, { filter, orderBy }: Args, ctx: Context) =>
        page(ctx).load({ id: parent.id, query, filter, orderBy }),
    } as never,
    connectionOf(list.type) as never,
  ) as never;
}
