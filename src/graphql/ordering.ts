/**
 * The `orderBy` input of every list: `[{field: Asc|Desc}]`, types generated from the Prisma schema
 * by @pothos/plugin-prisma-utils, over columns and over related rows (an achievement by its
 * enterprise's name). A column that may be empty takes NullableSortDirection, which says where its
 * empty rows go (Prisma's `{sort, nulls}`). The id is always the last key, so every ordering is total.
 *
 * Pages are keyset pages built here, not Prisma's `cursor:`: a cursor is a row's id, the page reads
 * that row's keys (one statement by primary key) and asks for the rows past them in the ordering,
 * with the first key bounded by its value (`obtainedOn <= v`), so that an index on the first key is
 * range-scanned from the cursor. Prisma's cursor compares each key with a subquery inside an OR,
 * which PostgreSQL cannot start an index scan from: a page 90% deep scanned 90% of the rows.
 */
import type { InputObjectRef } from '@pothos/core';
import { getModel } from '@pothos/plugin-prisma';
import type { Db } from '../db/client.js';
import { builder, type Types } from './builder.js';
import { FILTER_MARK, type FilterMark } from './filter-checks.js';

type Direction = 'asc' | 'desc';
type Nulls = 'first' | 'last';
/** A column that may be empty: its direction and where its empty rows go. */
type Sort = { sort: Direction; nulls: Nulls };
export type Order = { [field: string]: Direction | Sort | Order };
type Model = keyof Types['PrismaTypes'] & string;
type Where = Record<string, unknown>;

const isSort = (value: unknown): value is Sort => typeof value === 'object' && value !== null && 'sort' in value;

const SortDirection = builder.enumType('SortDirection', {
  description: 'Asc: smallest, earliest or A first; Desc: largest, latest or Z first.',
  values: { Asc: { value: 'asc' }, Desc: { value: 'desc' } } as const,
});

const NullableSortDirection = builder.enumType('NullableSortDirection', {
  description:
    'For a column that may be empty: Asc and Desc list the rows without a value after all the others (NULLS LAST), AscNullsFirst and DescNullsFirst before them (NULLS FIRST).',
  values: {
    Asc: { value: 'asc:last' },
    Desc: { value: 'desc:last' },
    AscNullsFirst: { value: 'asc:first' },
    DescNullsFirst: { value: 'desc:first' },
  } as const,
});

const columnOf = (model: string, field: string) => getModel(model, builder).fields.find((f) => f.name === field)!;

/**
 * An ordering input of `model`: each field a column (its description; the direction enum follows
 * whether the column may be empty) or the ordering of a related model.
 */
export function orderByOf(
  model: Model,
  fields: () => Record<string, string | InputObjectRef<Types, Order>>,
): InputObjectRef<Types, Order> {
  return builder.prismaOrderBy(model, {
    name: `${model}OrderBy`,
    description: `One key to order ${model} objects by (one field per item; later items break ties, then the id).`,
    extensions: { [FILTER_MARK]: { kind: 'orderBy' } satisfies FilterMark },
    fields: () =>
      Object.fromEntries(
        Object.entries(fields()).map(([name, field]) => [
          name,
          () =>
            typeof field !== 'string'
              ? { type: field, description: `By the related ${name}.` }
              : columnOf(model, name).isRequired
                ? { type: SortDirection, description: field }
                : { type: NullableSortDirection, description: `${field} May be empty: say where empty ones go.` },
        ]),
      ) as never,
  }) as unknown as InputObjectRef<Types, Order>;
}

export const JurisdictionOrderBy = orderByOf('Jurisdiction', () => ({
  code: 'By code (zj-taizhou-jiaojiang).',
  name: 'By Chinese name.',
}));
export const EnterpriseOrderBy: InputObjectRef<Types, Order> = orderByOf('Enterprise', () => ({
  name: 'By name.',
  kind: 'By recipient kind.',
  createdAt: 'By the day it was recorded.',
  industry: 'By industry.',
  creditCode: 'By 统一社会信用代码.',
  jurisdiction: JurisdictionOrderBy,
}));
export const AchievementKindOrderBy = orderByOf('AchievementKind', () => ({
  code: 'By code.',
  zh: 'By Chinese name.',
}));
export const AchievementOrderBy = orderByOf('Achievement', () => ({
  obtainedOn: 'By the day obtained.',
  level: 'By level code.',
  costYuan: 'By cost.',
  budgetYuan: 'By budget.',
  provincialGrantYuan: "By the province's grant.",
  units: 'By units.',
  rank: 'By rank.',
  enterprise: EnterpriseOrderBy,
  kind: AchievementKindOrderBy,
}));
export const PolicyOrderBy: InputObjectRef<Types, Order> = orderByOf('Policy', () => ({
  key: 'By key.',
  title: 'By Chinese title.',
  effectiveFrom: 'By the day its rules start.',
  effectiveUntil: 'By the last day it is in force (empty: no end).',
  issuedOn: 'By its date of issue.',
  fundYuan: 'By its fund.',
  loadedAt: 'By when its file was last loaded.',
}));
export const IncentiveOrderBy = orderByOf('Incentive', () => ({
  key: 'By key.',
  position: 'In document order.',
  ruleKind: 'By rule kind.',
  capYuan: 'By its cap.',
  policy: PolicyOrderBy,
}));
export const IndicatorOrderBy = orderByOf('Indicator', () => ({ code: 'By code.' }));
export const TargetOrderBy = orderByOf('Target', () => ({
  key: 'By key.',
  position: 'In document order.',
  kind: 'By target kind.',
  deadline: 'By the day its figure is due.',
  value: 'By its figure.',
  fromYear: 'By the first year it covers.',
  toYear: 'By the last year it covers.',
  policy: PolicyOrderBy,
  indicator: IndicatorOrderBy,
}));
export const ClauseOrderBy = orderByOf('Clause', () => ({
  path: 'By path ("二/(四)").',
  position: 'In document order.',
  heading: 'By heading.',
  policy: PolicyOrderBy,
}));
export const ObservationOrderBy = orderByOf('Observation', () => ({
  year: 'By the year the value is for.',
  value: 'By value.',
  recordedAt: 'By when it was recorded.',
  source: 'By source.',
  indicator: IndicatorOrderBy,
  jurisdiction: JurisdictionOrderBy,
}));
export const AuditEntryOrderBy = orderByOf('AuditEntry', () => ({
  at: 'By the time of the write.',
  entity: 'By the type written.',
  actor: 'By who wrote.',
}));

/** The one field of an ordering item (its shape was checked before execution). */
const fieldOf = (item: Order) => Object.entries(item).find(([, v]) => v != null)!;

/** The direction of an ordering item's one field. */
function directionOf(item: Order): Direction {
  const [, value] = fieldOf(item);
  return typeof value === 'string' ? value : isSort(value) ? value.sort : directionOf(value);
}

/** An item as Prisma reads it: NullableSortDirection's `asc:last` as `{sort: 'asc', nulls: 'last'}`. */
function prismaOf(item: Order): Order {
  const [field, value] = fieldOf(item);
  if (typeof value !== 'string') return { [field]: isSort(value) ? value : prismaOf(value) };
  const [sort, nulls] = value.split(':') as [Direction, Nulls | undefined];
  return { [field]: nulls ? { sort, nulls } : sort };
}

/**
 * The Prisma orderBy of a caller's `orderBy` (or `fallback` when none is given), always ending with
 * the id in the last key's direction, so that ties are broken the same way on every page.
 */
export function orderOf(orderBy: readonly Order[] | null | undefined, fallback: Order[]): Order[] {
  const items = (orderBy?.length ? [...orderBy] : fallback).map(prismaOf);
  const last = items.map(directionOf).at(-1) ?? 'asc';
  return [...items.filter((item) => !('id' in item)), { id: last }];
}

/** One key of an ordering: the column's path from the listed model, its direction, its empty rows. */
interface Key {
  path: string[];
  sort: Direction;
  /** Where empty rows go, for a column that may be empty. */
  nulls?: Nulls;
}

function keyOf(model: string, item: Order, path: string[] = []): Key {
  const [field, value] = fieldOf(item);
  if (typeof value === 'string') return { path: [...path, field], sort: value };
  if (isSort(value)) return { path: [...path, field], ...value };
  return keyOf(columnOf(model, field).type, value, [...path, field]);
}

/** A condition on the column at `path`, through the related rows it passes (`{enterprise: {is: {name: …}}}`). */
function at(path: string[], condition: unknown): Where {
  let where = { [path.at(-1)!]: condition };
  for (const step of path.slice(0, -1).reverse()) where = { [step]: { is: where } };
  return where;
}

/** The Prisma select of the columns the keys read (`{enterprise: {select: {name: true}}}`). */
function selectOf(keys: Key[]): Record<string, unknown> {
  const select: Record<string, unknown> = {};
  for (const { path } of keys) {
    let level = select;
    for (const step of path.slice(0, -1))
      level = ((level[step] ??= { select: {} }) as { select: Record<string, unknown> }).select;
    level[path.at(-1)!] = true;
  }
  return select;
}

const valueAt = (row: unknown, path: string[]): unknown =>
  path.reduce<unknown>((value, step) => (value == null ? null : (value as Record<string, unknown>)[step]), row) ?? null;

const flip = { asc: 'desc', desc: 'asc', first: 'last', last: 'first' } as const;

/** The rows strictly past `value` on one key, in the direction the page reads (null: none are). */
function pastOne(key: Key, value: unknown, backward: boolean): Where | null {
  const sort = backward ? flip[key.sort] : key.sort;
  const nullsLast = key.nulls !== undefined && (backward ? flip[key.nulls] : key.nulls) === 'last';
  // SQL compares an empty column as unknown: past an empty value lie only the non-empty ones
  // when empty rows come first, and past a value the empty ones when they come last.
  if (value === null) return nullsLast ? null : at(key.path, { not: null });
  const past = at(key.path, sort === 'asc' ? { gt: value } : { lt: value });
  return nullsLast ? { OR: [past, at(key.path, null)] } : past;
}

/** The rows after (or, backward, before) a row with these key values, in the ordering. */
function pastRow(keys: Key[], values: unknown[], backward: boolean): Where {
  const branches: Where[] = [];
  keys.forEach((key, i) => {
    const past = pastOne(key, values[i], backward);
    const ties = keys.slice(0, i).map((k, j) => at(k.path, values[j] === null ? null : { equals: values[j] }));
    if (past) branches.push({ AND: [...ties, past] });
  });
  const [first] = keys;
  const sort = backward ? flip[first.sort] : first.sort;
  // The first key's bound, implied by the branches, is what lets an index on it start at the cursor.
  const bound =
    first.nulls === undefined && values[0] !== null
      ? [at(first.path, sort === 'asc' ? { gte: values[0] } : { lte: values[0] })]
      : [];
  return { AND: [...bound, { OR: branches }] };
}

/**
 * `where` narrowed to the rows after (or, backward, before) the cursor row in `order`: that row's
 * keys are read by primary key (one statement) and the rows past them asked for with the first key
 * bounded. The keyset of every page after a cursor, the root lists' (pageOf) and the nested ones'.
 */
export async function pastCursor<W>(
  db: Db,
  model: Model,
  where: W,
  order: Order[],
  cursorId: number,
  backward: boolean,
): Promise<W> {
  const keys = order.map((item) => keyOf(model, item));
  const delegate = (db as unknown as Record<string, { findUnique(args: object): Promise<object | null> }>)[
    model.charAt(0).toLowerCase() + model.slice(1)
  ];
  // The cursor was checked before execution: an id the connection issued (arguments.ts).
  const row = await delegate.findUnique({ where: { id: cursorId }, select: selectOf(keys) });
  // A cursor of a row gone (an expired export job) pages to nothing, as Prisma's cursor did.
  if (!row) return { AND: [where, { id: { in: [] } }] } as W;
  const past = pastRow(
    keys,
    keys.map((k) => valueAt(row, k.path)),
    backward,
  );
  return { AND: [where, past] } as W;
}

type PageQuery = { cursor?: { id?: number }; skip?: number; take?: number };

/**
 * The findMany arguments of a page of `model` (the plugin's `query`: selection, take, and the
 * cursor row's id for a page after or before one): `where` and `order`, and the rows past the
 * cursor row's keys.
 */
export async function pageOf<Q extends PageQuery, W>(
  db: Db,
  model: Model,
  query: Q,
  where: W,
  order: Order[],
): Promise<Omit<Q, 'cursor' | 'skip'> & { where: W; orderBy: Order[] }> {
  const { cursor, skip: _skip, ...rest } = query;
  const backward = (query.take ?? 0) < 0;
  const paged = cursor?.id === undefined ? where : await pastCursor(db, model, where, order, cursor.id, backward);
  return { ...rest, where: paged, orderBy: order };
}
