/**
 * The lists under an object (an enterprise's achievements, a policy's incentives and targets, a
 * kind's incentives, a jurisdiction's enterprises): the same `filter` and `orderBy` inputs as the
 * root list of their noun, and its `where` (the caller's filter with the list's rules ANDed on, so
 * a filter never widens what the caller sees).
 *
 * Each is a relation connection: its page is read inside the parent's own statement (Prisma takes
 * each parent row's page; the totalCount is a filtered relation count in the same statement), so a
 * page of 100 parents costs the statements of one. A page after or before a cursor is the root
 * lists' keyset (pastCursor): the cursor row's keys read once, the rows past them asked for with
 * the first key bounded, so an index that leads with the parent's key and then the first key
 * (`Achievement(enterpriseId, obtainedOn, id)`) is range-scanned from the cursor. Prisma's cursor
 * scanned each parent's rows from the top and dropped those before it.
 */
import type { FieldRef, InputObjectRef } from '@pothos/core';
import { parsePrismaCursor } from '@pothos/plugin-prisma';
import type { Scope as Context } from '../scope/scope.js';
import { connectionOf, type Types } from './builder.js';
import { type Order, orderOf, pastCursor } from './ordering.js';

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
  after?: string | null;
  before?: string | null;
}

/** What nestedList uses of the parent type's field builder (whose type depends on the parent's model). */
interface Fields {
  arg: PothosSchemaTypes.RootFieldBuilder<Types, unknown>['arg'];
  relatedConnection(name: never, options: never, connection: never): unknown;
}

/** The parent's selection the plugin plans for a relation connection: the page's findMany arguments under the relation's name. */
type Page = { where: Where; orderBy: Order[]; cursor?: object; skip?: number };
type Selection = { select: Record<string, Page | undefined> };
type Plan = (args: Args, ctx: Context, ...rest: unknown[]) => Promise<Selection>;

/** The connection field of `list` on its parent's type (t is that type's field builder). */
export function nestedList(t: Fields, list: NestedList) {
  const field = t.relatedConnection(
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
  ) as FieldRef<Types>;
  // The keyset replaces the plugin's Prisma cursor (and its skip of the cursor row) in the page's
  // own `where` once the plan is made (once a request, not once a parent row), after the plugin
  // has given the totalCount the list's `where`: it counts the whole filtered list on every page.
  field.updateConfig((config) => {
    const plan = config.extensions!.pothosPrismaSelect as Plan;
    const keyset: Plan = async (args, ctx, ...rest) => {
      const selected = await plan(args, ctx, ...rest);
      const cursor = args.after ?? args.before;
      const page = selected.select[list.relation];
      // Without rows (only the totalCount asked) there is no page to narrow.
      if (cursor == null || !page) return selected;
      const id = parsePrismaCursor(cursor) as number; // an id this connection issued (arguments.ts)
      const { cursor: _prisma, ...paged } = page;
      const where = await pastCursor(ctx.db, list.type, page.where, page.orderBy, id, args.before != null);
      return { select: { ...selected.select, [list.relation]: { ...paged, skip: 0, where } } };
    };
    return { ...config, extensions: { ...config.extensions, pothosPrismaSelect: keyset } };
  });
  return field as never;
}
