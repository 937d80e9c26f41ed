/**
 * Arguments: what several fields read the same way, and the checks of every argument value.
 *
 * The helpers (`asOfDay`, `policyKeyOf`, `definedOnly`, the idempotency key's description, the
 * achievement's measures) are shared by the type files, which import them from here, not from
 * each other.
 *
 * The checks run on every argument value before anything executes, on the values as the executor
 * will see them (literals and variables coerced, defaults applied): one place instead of one per
 * resolver, and a refused request has run nothing, so it has stored nothing. They run inside the
 * one walk of the operation that also measures its shape (shapeOf in limits.ts).
 *
 * - Every string must be text a column can hold (textProblem: no NUL, no half surrogate pair).
 * - A connection's `after`/`before` must be a cursor that connection hands out, with an id or
 *   offset a PostgreSQL integer holds (a tampered cursor would reach the database otherwise).
 */
import { getNamedType, type FieldNode, type GraphQLError, type GraphQLField } from 'graphql';
import { isoDay, today } from '../dates/index.js';
import { textProblem, type TextProblem } from '../validation/text.js';
import type { Types } from './builder.js';
import type { Scope as Context } from '../scope/scope.js';
import { userError } from './errors.js';
import { phrase, term, type Phrase } from '../engines/message.js';
import { listArgument } from './filter-checks.js';
import { MAX_ROW_ID } from '../db/client.js';
import { base64Text, decodeIdOf } from './ids.js';

/** The day an `asOf: Date` argument names, today when it is absent. */
export const asOfDay = (asOf: Date | null | undefined) => (asOf ? isoDay(asOf) : today());

/** The key of the served policy a `policy: ID` argument names, or null when no policy is asked for. */
export async function policyKeyOf(ctx: Context, policyId: string | null | undefined, field = 'policy') {
  if (!policyId) return null;
  const id = decodeIdOf('Policy', policyId, field);
  const { policyIdByKey, retired } = await ctx.loaders.enginePolicies();
  const key = [...policyIdByKey].find(([, value]) => value === id)?.[0];
  if (!key) throw userError('NOT_FOUND', field, phrase('error.NO_POLICY_ID', { id: policyId }));
  if (retired.has(key)) throw retiredPolicy(key, field);
  return key;
}

/**
 * What a policy is named by where people name it: its key, or its document number (`000`, the number of
 * its source text `000_….txt` in the seed index): the source's prefix for a document number, else null.
 */
export const documentPrefixOf = (named: string): string | null => (/^[0-9]{3}$/.test(named) ? `${named}_` : null);

/** A retired policy is read for history but never evaluated: the refusal says how to serve it again. */
export const retiredPolicy = (key: string, field: string) =>
  userError('RETIRED', field, phrase('error.RETIRED_POLICY', { key }));

/** The description of every write's `idempotencyKey` argument. */
export const IDEMPOTENCY = 'A retried request with the same key and input is applied once and answered the same.';

// Nulls from GraphQL mean "clear" in a patch; absent fields mean "keep". Zod sees exactly that.
export const definedOnly = <T extends object>(input: T) =>
  Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));

/** What the rules read of an achievement, the same whether it is recorded or simulated. */
export const achievementMeasureFields = (t: PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>) => ({
  units: t.int({ description: 'Products, product classes, items or cases, for per-unit rules (at least 1).' }),
  costYuan: t.field({
    type: 'SafeInt',
    description: 'Fees or costs paid, in integer yuan, for percentage-of-cost rules (按…的N%补助).',
  }),
  budgetYuan: t.field({
    type: 'SafeInt',
    description: "A project's budget, in integer yuan, for percentage-of-budget rules.",
  }),
  provincialGrantYuan: t.field({
    type: 'SafeInt',
    description: 'The provincial grant received, in integer yuan, for matching rules (1:1配套).',
  }),
  rank: t.int({ description: 'Its place in a ranking (前10, 前三名 …), for rank rules (at least 1).' }),
  projectKey: t.string({
    description: 'Achievements with the same key are one project: 按最优一项执行 pays only the best of them.',
  }),
});

/** The extension a connection declares when its cursors are offsets (Pothos's resolveArrayConnection). */
export const OFFSET_CURSORS = { offsetCursors: true };

const ID_CURSOR = /^GPC:N:([1-9][0-9]{0,9})$/;
const OFFSET_CURSOR = /^OffsetConnection:(0|[1-9][0-9]{0,9})$/;

function cursorProblem(cursor: string, offsets: boolean): Phrase | null {
  const match = (offsets ? OFFSET_CURSOR : ID_CURSOR).exec(base64Text(cursor));
  if (!match || Number(match[1]) > MAX_ROW_ID) return phrase('error.argument.CURSOR', { cursor });
  return null;
}

/** The first string of a coerced argument value a column cannot hold: its path and why, or null. */
function badText(value: unknown, path: string): { path: string; problem: TextProblem } | null {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { path, problem } : null;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = badText(item, `${path}[${i}]`);
      if (found) return found;
    }
  } else if (
    value !== null &&
    typeof value === 'object' &&
    [Object.prototype, null].includes(Object.getPrototypeOf(value))
  ) {
    for (const [key, item] of Object.entries(value)) {
      const found = badText(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

const refuse = (field: string, wording: Phrase) => {
  const error = userError('INVALID_ARGUMENT', field, wording);
  error.extensions.http = { status: 400 };
  return error;
};

/** The first problem of one field's coerced arguments, as a typed error (HTTP 400), or undefined. */
export function argumentProblem(
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  args: Record<string, unknown>,
): GraphQLError | undefined {
  for (const [name, value] of Object.entries(args)) {
    const found = badText(value, name);
    if (found)
      return refuse(
        found.path,
        phrase('error.argument.TEXT', { path: found.path, problem: term(`error.textCheck.${found.problem}`) }),
      );
    const type = field.args.find((a) => a.name === name)?.type;
    const checked = type ? listArgument(type, value, name) : { cost: 0 };
    // The list checks' words are still English (src/graphql/filter-checks.ts).
    if ('problem' in checked)
      return refuse(checked.problem.path, phrase('error.text', { message: checked.problem.message }));
  }
  if (!getNamedType(field.type).name.endsWith('Connection')) return;
  for (const name of ['after', 'before'] as const) {
    const cursor = args[name];
    const problem = typeof cursor === 'string' ? cursorProblem(cursor, !!field.extensions.offsetCursors) : null;
    if (problem) return refuse(`${node.name.value}.${name}`, problem);
  }
}

/** What a field's `filter` costs beyond its rows (conditions no index serves, related rows; filter-checks.ts). */
export function filterCost(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): number {
  let cost = 0;
  for (const arg of field.args) {
    const checked = arg.name in args ? listArgument(arg.type, args[arg.name], arg.name) : { cost: 0 };
    if ('cost' in checked) cost += checked.cost;
  }
  return cost;
}
