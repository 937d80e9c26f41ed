/**
 * What a list's `filter` and `orderBy` must be, checked before anything executes (from
 * argumentProblem, on the coerced values), and what a filter costs. The generated input types
 * carry what the walk needs as extensions (FILTER_MARK): a model's filter its columns that are
 * never null and those an index leads, a list filter its quantifiers, an ordering its shape.
 *
 * - Filters nest at most MAX_FILTER_DEPTH levels of AND/OR/NOT and related rows.
 * - `equals: null` only on a column that may be empty; a range's lower bound not above its upper.
 * - Each orderBy item names exactly one field (a related ordering, one of its fields).
 * - Cost: each condition on a column no index leads costs UNINDEXED_CONDITION_COST, and each
 *   filter on related rows RELATION_FILTER_COST plus twice what it holds, added to the list's own
 *   cost (the planner may scan the related table once per candidate row).
 */
import { getNamedType, isInputObjectType, type GraphQLInputObjectType, type GraphQLInputType } from 'graphql';

export const FILTER_MARK = 'policygraphFilter';
export const MAX_FILTER_DEPTH = 4;
export const UNINDEXED_CONDITION_COST = 50;
export const RELATION_FILTER_COST = 500;

export type FilterMark =
  { kind: 'model'; required: readonly string[]; indexed: readonly string[] } | { kind: 'list' } | { kind: 'orderBy' };

const markOf = (type: GraphQLInputType): FilterMark | undefined => {
  const named = getNamedType(type);
  return isInputObjectType(named) ? (named.extensions[FILTER_MARK] as FilterMark | undefined) : undefined;
};

export interface Problem {
  path: string;
  message: string;
}
type Checked = { problem: Problem } | { cost: number };

const comparable = (v: unknown): v is Date | number => v instanceof Date || typeof v === 'number';

/** One column's conditions: `equals: null` where it may be empty, and a range that can hold. */
function columnProblem(column: string, ops: Record<string, unknown>, required: boolean, path: string): Problem | null {
  if (required && 'equals' in ops && ops.equals === null)
    return { path: `${path}.equals`, message: `${column} is never empty: compare it with a value, not null` };
  const low = ops.gte ?? ops.gt;
  const high = ops.lte ?? ops.lt;
  if (comparable(low) && comparable(high) && low > high)
    return {
      path: `${path}.${ops.lte == null ? 'lt' : 'lte'}`,
      message: `${column}'s upper bound is below its lower bound: nothing could match`,
    };
  return null;
}

function checkFilter(type: GraphQLInputObjectType, value: unknown, path: string, depth: number): Checked {
  if (value == null) return { cost: 0 };
  const mark = type.extensions[FILTER_MARK] as FilterMark | undefined;
  if (mark?.kind !== 'model') return { cost: 0 };
  if (depth > MAX_FILTER_DEPTH)
    return {
      problem: {
        path,
        message: `filters nest at most ${MAX_FILTER_DEPTH} levels of AND, OR, NOT and related rows: flatten this one`,
      },
    };
  let cost = 0;
  const fields = type.getFields();
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (item == null || !fields[key]) continue;
    const at = `${path}.${key}`;
    const fieldType = getNamedType(fields[key].type) as GraphQLInputObjectType;
    const inner = markOf(fieldType);
    if (key === 'AND' || key === 'OR' || key === 'NOT') {
      for (const [i, f] of (Array.isArray(item) ? item : [item]).entries()) {
        const checked = checkFilter(fieldType, f, Array.isArray(item) ? `${at}[${i}]` : at, depth + 1);
        if ('problem' in checked) return checked;
        cost += checked.cost;
      }
    } else if (inner?.kind === 'model' || inner?.kind === 'list') {
      let held = 0;
      const quantified =
        inner.kind === 'list' ? Object.entries(item as Record<string, unknown>) : [['', item] as const];
      for (const [q, f] of quantified) {
        const target =
          inner.kind === 'list' ? (getNamedType(fieldType.getFields()[q].type) as GraphQLInputObjectType) : fieldType;
        const checked = checkFilter(target, f, q ? `${at}.${q}` : at, depth + 1);
        if ('problem' in checked) return checked;
        held += checked.cost;
      }
      cost += RELATION_FILTER_COST + 2 * held;
    } else if (isInputObjectType(fieldType) && typeof item === 'object') {
      const problem = columnProblem(key, item as Record<string, unknown>, mark.required.includes(key), at);
      if (problem) return { problem };
      if (!mark.indexed.includes(key)) cost += UNINDEXED_CONDITION_COST;
    } else if (!mark.indexed.includes(key)) {
      cost += UNINDEXED_CONDITION_COST;
    }
  }
  return { cost };
}

/** An orderBy item names exactly one field, and a related ordering one of its own. */
function orderProblem(item: unknown, path: string): Problem | null {
  const given = Object.entries(item as Record<string, unknown>).filter(([, v]) => v != null);
  if (given.length !== 1)
    return {
      path,
      message: `each orderBy item names exactly one field (${given.length} given): write [{a: Asc}, {b: Desc}] for several`,
    };
  const [key, value] = given[0];
  return typeof value === 'object' ? orderProblem(value, `${path}.${key}`) : null;
}

/** The first problem of a list argument's value, or what its filter costs. */
export function listArgument(type: GraphQLInputType, value: unknown, path: string): Checked {
  const mark = markOf(type);
  if (mark?.kind === 'orderBy') {
    for (const [i, item] of (Array.isArray(value) ? value : [value]).entries()) {
      const problem = item == null ? null : orderProblem(item, `${path}[${i}]`);
      if (problem) return { problem };
    }
    return { cost: 0 };
  }
  return mark?.kind === 'model'
    ? checkFilter(getNamedType(type) as GraphQLInputObjectType, value, path, 0)
    : { cost: 0 };
}
