/**
 * Checks of every argument value before anything executes, on the values as the executor will
 * see them (literals and variables coerced, defaults applied): one place instead of one per
 * resolver, and a refused request has run nothing, so it has stored nothing.
 *
 * - No string may hold a NUL character: PostgreSQL text cannot, and the statement would fail.
 * - A connection's `after`/`before` must be a cursor that connection hands out, with an id or
 *   offset a PostgreSQL integer holds (a tampered cursor would reach the database otherwise).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  getArgumentValues,
  getNamedType,
  getVariableValues,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { Context } from './context.js';
import { userError } from './errors.js';
import { base64Text, MAX_ROW_ID } from './ids.js';

/** The extension a connection declares when its cursors are offsets (Pothos's resolveArrayConnection). */
export const OFFSET_CURSORS = { offsetCursors: true };

const ID_CURSOR = /^GPC:N:([1-9][0-9]{0,9})$/;
const OFFSET_CURSOR = /^OffsetConnection:(0|[1-9][0-9]{0,9})$/;

function cursorProblem(cursor: string, offsets: boolean): string | null {
  const match = (offsets ? OFFSET_CURSOR : ID_CURSOR).exec(base64Text(cursor));
  if (!match || Number(match[1]) > MAX_ROW_ID)
    return `"${cursor}" is not a cursor of this list: pass a cursor (endCursor, startCursor or an edge's cursor) it returned`;
  return null;
}

/** The path of the first string holding a NUL in a coerced argument value, or null. */
function nulIn(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = nulIn(item, `${path}[${i}]`);
      if (found) return found;
    }
  } else if (
    value !== null &&
    typeof value === 'object' &&
    [Object.prototype, null].includes(Object.getPrototypeOf(value))
  ) {
    for (const [key, item] of Object.entries(value)) {
      const found = nulIn(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

/** Throws the first problem of the operation's arguments as a typed error (HTTP 400). */
export function checkArguments(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
) {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  if (coerced.errors) return; // the executor refuses these itself, naming the variable
  const refuse = (field: string, message: string) => {
    const error = userError('INVALID_ARGUMENT', field, message);
    error.extensions.http = { status: 400 };
    return error;
  };
  const typeInfo = new TypeInfo(schema);
  // Each definition once: the operation, and the fragments (which only it can use).
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION && definition !== operation) continue;
    visit(
      definition,
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          const field = typeInfo.getFieldDef();
          if (!field || !node.arguments?.length) return;
          const args = getArgumentValues(field, node, coerced.coerced);
          for (const [name, value] of Object.entries(args)) {
            const path = nulIn(value, name);
            if (path)
              throw refuse(path, `${path} contains a NUL character (U+0000), which text cannot hold: remove it`);
          }
          if (!getNamedType(field.type).name.endsWith('Connection')) return;
          for (const name of ['after', 'before'] as const) {
            const cursor = args[name];
            const problem = typeof cursor === 'string' ? cursorProblem(cursor, !!field.extensions.offsetCursors) : null;
            if (problem) throw refuse(`${node.name.value}.${name}`, problem);
          }
        },
      }),
    );
  }
}

export const argumentGuard: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ schema, document, operation, request }) {
        if (operation) checkArguments(schema, document, operation, request.variables ?? {});
      },
    };
  },
};
