import type { ApolloServerPlugin } from '@apollo/server';
import {
  getArgumentValues,
  getNamedType,
  getVariableValues,
  GraphQLError,
  isInterfaceType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type DocumentNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { argumentProblem, filterCost } from './arguments.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './builder.js';
import type { Scope as Context } from '../scope/scope.js';
import { userError, type UserError, type UserErrorCode } from './errors.js';
import { phrase } from '../engines/message.js';

/** Limits every request must stay within; the README lists them. */
export const LIMITS = {
  /**
   * Lexical tokens in a document, counted by the parser before anything else runs, so that
   * validation (whose overlapping-fields rule is quadratic) stays bounded: at this size its worst
   * document we found validates in about 20 ms, at 2,000 tokens in 75 ms. The largest shared operation
   * (schema/operations, with every fragment) has under 300 tokens, GraphiQL's introspection under 500.
   */
  maxTokens: 1_000,
  /** Nesting of fields, counting each level of a selection. */
  maxDepth: 15,
  /** Aliased fields in one operation: aliases multiply work without multiplying the query text. */
  maxAliases: 30,
  /** The static cost: how many objects the query could return, at most (see shapeOf). */
  maxCost: 25_000,
  /** Wall time for one request, from its context to its answer (see requestDeadline). */
  timeoutMs: 15_000,
};

/**
 * What a field that evaluates a whole population of enterprises costs (declared on the field as
 * `extensions: { cost: REPORT_COST }`): a fifth of the limit, so a request runs at most four such
 * reports, and one report leaves room for ordinary fields beside it.
 */
export const REPORT_COST = LIMITS.maxCost / 5;

/**
 * What a field that evaluates one enterprise many times over costs (opportunities: each candidate
 * achievement with and without; questions: each answer): about a hundred evaluations, so a page of
 * 100 enterprises asking it stays within the limit and its time (about 0.1 s an enterprise).
 */
export const WHAT_IF_COST = 100;

/** The cost a field declares as data (`extensions.cost`, set where the field is defined). */
export const declaredCost = (field: GraphQLField<unknown, unknown>): number | undefined =>
  (field.extensions as { cost?: number } | undefined)?.cost;

/**
 * A resolver that evaluates a population asks for its deadline here: a field that does so without
 * declaring its cost fails at once, in its first test, instead of being free to every caller.
 */
export function populationSignal(ctx: Context, info: GraphQLResolveInfo): AbortSignal {
  const field = info.parentType.getFields()[info.fieldName]!;
  if (declaredCost(field) === undefined)
    throw new Error(`${info.parentType.name}.${info.fieldName} evaluates a population but declares no cost`);
  return ctx.signal;
}

/** The answer to a request still running at its deadline: the server's capacity, not the caller's input. */
export const timeoutError = (ms: number) =>
  userError('TIMEOUT', null, phrase('error.TIMEOUT', { seconds: ms / 1000 }), 503);

const deadlines = new WeakMap<AbortSignal, NodeJS.Timeout>();

/**
 * One deadline per request: its signal aborts, with the TIMEOUT error as reason, when the time is up.
 * Work that can run long observes it (population reads between chunks; on PostgreSQL every statement
 * also has statement_timeout); no check runs per field. Ended by endDeadline once answered.
 */
export function requestDeadline(ms: number): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(timeoutError(ms)), ms).unref();
  deadlines.set(controller.signal, timer);
  return controller.signal;
}

/** The request is answered: its timer goes now, not 15 s later (one per request would pile up under load). */
export function endDeadline(signal: AbortSignal): void {
  clearTimeout(deadlines.get(signal));
  deadlines.delete(signal);
}

const isConnection = (type: GraphQLNamedType) => isObjectType(type) && type.name.endsWith('Connection');

export interface QueryShape {
  depth: number;
  aliases: number;
  cost: number;
}

/** A page size no connection serves: over MAX_PAGE_SIZE, or negative. */
function pageSizeError(field: string, name: string, size: number): GraphQLError | undefined {
  const at = `${field}.${name}`;
  if (size > MAX_PAGE_SIZE)
    return userError(
      'PAGE_SIZE_TOO_LARGE',
      at,
      phrase('error.PAGE_SIZE_TOO_LARGE', { name, max: MAX_PAGE_SIZE, size }),
      400,
    );
  if (size < 0) return userError('INVALID_ARGUMENT', at, phrase('error.NEGATIVE_PAGE_SIZE', { name, size }), 400);
}

/**
 * The shape of an operation, in the manner of GitHub's and Shopify's cost: a field returning a
 * connection (its type is named …Connection) multiplies what is under it by its page size (first
 * or last after coercion, with the defaults the executor uses; else the default page); a field
 * counts what it declares (`extensions.cost`), else 1 if it returns an object and 0 if a scalar.
 * The cost is an upper bound: skipped fields and both sides of a type condition count.
 *
 * It also finds the first page size no connection serves (`pageSizeError`): checked here, before
 * execution, because a connection nested in a Prisma selection is read with its parent, before any
 * resolver of its own could look at its arguments. Each field's arguments are coerced once, for
 * that and for the checks of arguments.ts (`argumentError`): one walk of the document, not two.
 *
 * Linear in the document: each fragment's shape is computed once and reused wherever it is spread
 * (aliases and cost then multiply, as the work they stand for does). Fragment cycles are refused
 * by validation; one met anyway counts nothing.
 */
export function shapeOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): QueryShape & { pageSizeError?: GraphQLError; argumentError?: GraphQLError } {
  let pageError: GraphQLError | undefined;
  let argumentError: GraphQLError | undefined;
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  const known = new Map<string, QueryShape>();
  const visiting = new Set<string>();
  const none: QueryShape = { depth: 0, aliases: 0, cost: 0 };

  const fragmentShape = (name: string): QueryShape => {
    const done = known.get(name);
    if (done) return done;
    const fragment = fragments.get(name);
    if (!fragment || visiting.has(name)) return none;
    visiting.add(name);
    const shape = walk(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value));
    visiting.delete(name);
    known.set(name, shape);
    return shape;
  };

  function walk(set: SelectionSetNode, parent: GraphQLNamedType | undefined): QueryShape {
    const shape = { ...none };
    const add = (inner: QueryShape, depth: number) => {
      shape.depth = Math.max(shape.depth, depth);
      shape.aliases += inner.aliases;
      shape.cost += inner.cost;
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const inner = fragmentShape(selection.name.value);
        add(inner, inner.depth);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const inner = walk(
          selection.selectionSet,
          selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent,
        );
        add(inner, inner.depth);
      } else {
        if (selection.alias) shape.aliases += 1;
        const field = fieldOf(parent, selection.name.value);
        const args = field && selection.arguments?.length ? getArgumentValues(field, selection, variables) : {};
        if (field) argumentError ??= argumentProblem(field, selection, args);
        const own = field ? declaredCost(field) : undefined;
        const filtered = field ? filterCost(field, args) : 0;
        if (!selection.selectionSet) {
          shape.cost += (own ?? 0) + filtered;
          continue;
        }
        const type = field ? getNamedType(field.type) : undefined;
        const inner = walk(selection.selectionSet, type);
        add({ ...inner, cost: (own ?? 1) + filtered + pageOf(field, type, args) * inner.cost }, inner.depth + 1);
      }
    }
    return shape;
  }

  // The field a selection names, as TypeInfo finds it (the introspection fields included).
  const root = schema.getQueryType();
  const fieldOf = (parent: GraphQLNamedType | undefined, name: string) => {
    if (name === TypeNameMetaFieldDef.name && parent) return TypeNameMetaFieldDef;
    if (parent === root && name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (parent === root && name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
    return parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
  };

  const pageOf = (
    field: GraphQLField<unknown, unknown> | undefined,
    type: GraphQLNamedType | undefined,
    args: Record<string, unknown>,
  ) => {
    if (!field || !type || !isConnection(type)) return 1;
    const sizes: number[] = [];
    for (const name of ['first', 'last'] as const) {
      const size = args[name];
      if (typeof size !== 'number') continue;
      pageError ??= pageSizeError(field.name, name, size);
      sizes.push(size);
    }
    // A negative page is refused; counted, it asks for nothing.
    return sizes.length ? Math.max(0, ...sizes) : DEFAULT_PAGE_SIZE;
  };

  const shape = walk(operation.selectionSet, schema.getRootType(operation.operation) ?? undefined);
  return { ...shape, pageSizeError: pageError, argumentError };
}

const limitError = (code: UserErrorCode, values: Record<string, number>) =>
  userError(code, null, phrase(`error.${code}`, values), 400);

/** graphql-js's refusal of a document over parseOptions.maxTokens, as Apollo reports it. */
const TOO_MANY_TOKENS = /^Syntax Error: Document contains more tha[nt] \d+ tokens/; // "that": graphql-js 16 spelling

/** A document over the token limit is QUERY_TOO_LARGE, not a syntax error (answerLanguage swaps it in). */
export const tooManyTokens = (error: GraphQLError): UserError | undefined =>
  error.extensions.code === 'GRAPHQL_PARSE_FAILED' && TOO_MANY_TOKENS.test(error.message)
    ? limitError('QUERY_TOO_LARGE', { max: LIMITS.maxTokens })
    : undefined;

/**
 * Refuses an operation over the depth, alias or cost limit, with a page size no connection
 * serves, or with an argument arguments.ts refuses, before it runs, reports each request's
 * cost in `extensions.cost`, and ends the request's deadline once it is answered. No hook of it runs
 * per field: a per-field hook makes Apollo wrap every resolver of the schema.
 */
export const queryLimits: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    let shape: ReturnType<typeof shapeOf> | undefined;
    return {
      async didResolveOperation({ operation, document, request, schema }) {
        if (!operation) return;
        // The values the executor will use, defaults included; invalid ones it refuses itself.
        const variables = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
        if (!variables.coerced) return;
        shape = shapeOf(schema, document, operation, variables.coerced);
        if (shape.depth > LIMITS.maxDepth)
          throw limitError('QUERY_TOO_DEEP', { depth: shape.depth, max: LIMITS.maxDepth });
        if (shape.aliases > LIMITS.maxAliases)
          throw limitError('TOO_MANY_ALIASES', { aliases: shape.aliases, max: LIMITS.maxAliases });
        if (shape.cost > LIMITS.maxCost)
          throw limitError('QUERY_TOO_COSTLY', { cost: shape.cost, max: LIMITS.maxCost, report: REPORT_COST });
        const { pageSizeError, argumentError } = shape;
        if (pageSizeError) throw pageSizeError;
        if (argumentError) throw argumentError;
      },
      async willSendResponse({ response, contextValue }) {
        endDeadline(contextValue.signal);
        if (shape && response.body.kind === 'single')
          response.body.singleResult.extensions = {
            ...response.body.singleResult.extensions,
            cost: { requested: shape.cost, limit: LIMITS.maxCost, depth: shape.depth },
          };
      },
    };
  },
};
