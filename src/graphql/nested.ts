/**
 * The lists under an object (an enterprise's achievements, a policy's incentives and targets, a
 * kind's incentives, a jurisdiction's enterprises): the same `filter` and `orderBy` inputs as the
 * root list of their noun, and its `where` (the caller's filter with the list's rules ANDed on, so
 * a filter never widens what the caller sees).
 *
 * Each is a relation connection: its page is read inside the parent's own statement (Prisma takes
 * each parent row's page; the totalCount is a filtered relation count in the same statement), so a
 * page of 100 parents costs the statements of one. A page after a cursor uses Prisma's cursor: the
 * rows past the cursor row's keys in the ordering (a keyset, no offset), within one parent's rows,
 * which `Achievement(enterpriseId)` and the other foreign-key indexes serve. The root lists page
 * with pageOf instead, whose bound on the first key lets an index on it start at the cursor.
 */
import type { InputObjectRef } from '@pothos/core';
import type { Scope as Context } from '../scope/scope.js';
import { connectionOf, type Types } from './builder.js';
import { type Order, orderOf } from './ordering.js';

type Where = Record<string, unknown>;

export interface NestedList {
  /** The relation listed and its model (Enterprise's `achievements`, of Achievement). */
  relation: string;
  type: keyof Types['PrismaTypes'] & string;
  /** The inputs of the model's root list. */
  filter: InputObjectRef<Types, Where>;
  orderBy: InputObjectRef<Types, Order>;
  /** The root list's `where`: the caller's filter and the rules every listed row must meet. */
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

/** What nestedList uses of the parent type's field builder (whose type depends on the parent's model). */
interface Fields {
  arg: PothosSchemaTypes.RootFieldBuilder<Types, unknown>['arg'];
  relatedConnection(name: never, options: never, connection: never): unknown;
}

/** The connection field of `list` on its parent's type (t is that type's field builder). */
export function nestedList(t: Fields, list: NestedList) {
  return t.relatedConnection(
    list.relation as never,
    {
      cursor: 'id',
      totalCount: true,
      description: list.description,
      authScopes: list.authScopes,
      args: {
        filter: t.arg({ type: list.filter }),
        orderBy: t.arg({ type: [list.orderBy], description: 'Keys to order by; the id breaks ties.' }),
      },
      // Planned before the parent's statement: the plugin waits for an async query.
      query: async ({ filter, orderBy }: Args, ctx: Context) => ({
        where: await list.where(filter, ctx),
        orderBy: orderOf(orderBy, list.fallback),
      }),
    } as never,
    connectionOf(list.type) as never,
  ) as never;
}
