import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  GraphQLError,
  isObjectType,
  Kind,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './builder.js';
import type { Context } from './context.js';
import { userError } from './errors.js';

/** Asking a connection for more than a page holds is an error the caller sees, not a silent cut. */
export const pageSizeGuard: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async executionDidStart() {
        return {
          willResolveField({ info, args }) {
            const type = getNamedType(info.returnType);
            if (!isObjectType(type) || !type.name.endsWith('Connection')) return;
            for (const name of ['first', 'last'] as const) {
              const size = (args as Record<string, unknown>)[name];
              if (typeof size === 'number' && size > MAX_PAGE_SIZE) {
                throw userError(
                  'PAGE_SIZE_TOO_LARGE',
                  `${info.fieldName}.${name}`,
                  `${name} may be at most ${MAX_PAGE_SIZE}, got ${size}`,
                );
              }
            }
          },
        };
      },
    };
  },
};

/** Limits every request must stay within; the README lists them. */
export const LIMITS = {
  /** Nesting of fields, counting each level of a selection. */
  maxDepth: 15,
  /** Aliased fields in one operation: aliases multiply work without multiplying the query text. */
  maxAliases: 30,
  /** The static cost: how many objects the query could return, at most (see costOf). */
  maxCost: 25_000,
  /** Wall time for one operation's execution. */
  timeoutMs: 15_000,
};

export interface QueryShape {
  depth: number;
  aliases: number;
  cost: number;
}

function argumentValue(node: ValueNode | undefined, variables: Record<string, unknown>): unknown {
  if (!node) return undefined;
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  if (node.kind === Kind.INT) return Number(node.value);
  return undefined;
}

/**
 * The shape of an operation, in the manner of GitHub's and Shopify's cost: a field returning a
 * connection multiplies what is under it by its page size (first/last, else the default page);
 * every other object counts once. Fragments are followed; the cost is an upper bound.
 */
export function shapeOf(
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): QueryShape {
  let aliases = 0;
  const walk = (set: SelectionSetNode, depth: number, seen: Set<string>): { depth: number; cost: number } => {
    let deepest = depth;
    let cost = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) aliases += 1;
        if (!selection.selectionSet) continue;
        const args = new Map(selection.arguments?.map((a) => [a.name.value, a.value]));
        const page = argumentValue(args.get('first'), variables) ?? argumentValue(args.get('last'), variables);
        const isConnection =
          args.has('first') || args.has('last') || args.has('after') || selection.name.value === 'edges';
        const inner = walk(selection.selectionSet, depth + 1, seen);
        deepest = Math.max(deepest, inner.depth);
        const multiplier =
          selection.name.value === 'edges'
            ? 1
            : isConnection
              ? typeof page === 'number'
                ? page
                : DEFAULT_PAGE_SIZE
              : 1;
        cost += 1 + multiplier * inner.cost;
      } else {
        const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments[selection.name.value];
        if (!fragment || (selection.kind === Kind.FRAGMENT_SPREAD && seen.has(selection.name.value))) continue;
        const next = selection.kind === Kind.FRAGMENT_SPREAD ? new Set([...seen, selection.name.value]) : seen;
        const inner = walk(fragment.selectionSet, depth, next);
        deepest = Math.max(deepest, inner.depth);
        cost += inner.cost;
      }
    }
    return { depth: deepest, cost };
  };
  const { depth, cost } = walk(operation.selectionSet, 0, new Set());
  return { depth, aliases, cost };
}

const limitError = (code: string, message: string) =>
  new GraphQLError(message, { extensions: { code, http: { status: 400 } } });

/**
 * Refuses an operation over the depth, alias or cost limit before it runs, reports each request's
 * cost in `extensions.cost`, and stops an execution that runs past the time limit.
 */
export const queryLimits: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    let shape: QueryShape | undefined;
    return {
      async didResolveOperation({ operation, document, request }) {
        if (!operation) return;
        const fragments = Object.fromEntries(
          document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])),
        );
        shape = shapeOf(operation, fragments, request.variables ?? {});
        if (shape.depth > LIMITS.maxDepth)
          throw limitError(
            'QUERY_TOO_DEEP',
            `the query is ${shape.depth} levels deep; the limit is ${LIMITS.maxDepth}`,
          );
        if (shape.aliases > LIMITS.maxAliases)
          throw limitError(
            'TOO_MANY_ALIASES',
            `the query has ${shape.aliases} aliases; the limit is ${LIMITS.maxAliases}`,
          );
        if (shape.cost > LIMITS.maxCost)
          throw limitError(
            'QUERY_TOO_COSTLY',
            `the query could return ${shape.cost} objects; the limit is ${LIMITS.maxCost}: ask for smaller pages`,
          );
      },
      async executionDidStart() {
        const deadline = Date.now() + LIMITS.timeoutMs;
        return {
          willResolveField() {
            if (Date.now() > deadline)
              throw new GraphQLError(`the request ran past ${LIMITS.timeoutMs / 1000} s and was stopped`, {
                extensions: { code: 'TIMEOUT' },
              });
          },
        };
      },
      async willSendResponse({ response }) {
        if (shape && response.body.kind === 'single')
          response.body.singleResult.extensions = {
            ...response.body.singleResult.extensions,
            cost: { requested: shape.cost, limit: LIMITS.maxCost, depth: shape.depth },
          };
      },
    };
  },
};
