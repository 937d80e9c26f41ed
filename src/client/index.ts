/**
 * A small typed GraphQL client for scripts and partners: operations from schema/operations, typed
 * by codegen, sent by their persisted hash first (falling back to the text), with an API key.
 */
import { createHash } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { canonicalDocument } from './canonical.js';

/**
 * A request with this header (any value) is answered with its SQL statements counted in the
 * response's extensions (`sqlStatements`). Counted only when asked: counting costs every request an
 * AsyncLocalStorage scope, whose hooks slow every promise.
 */
export const COUNT_STATEMENTS_HEADER = 'x-count-statements';

export class GraphQLRequestError extends Error {
  constructor(readonly errors: Array<{ message: string; extensions?: { code?: string; field?: string } }>) {
    super(errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
  }
}

export interface Client {
  request<T, V>(document: TypedDocumentNode<T, V>, variables?: V): Promise<T>;
}

export function createClient(options: { url: string; key?: string }): Client {
  const endpoint = `${options.url.replace(/\/$/, '')}/graphql`;
  const post = async (body: object) => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
      },
      body: JSON.stringify(body),
    });
    return (await response.json()) as { data?: unknown; errors?: GraphQLRequestError['errors'] };
  };
  return {
    async request(document, variables) {
      const query = canonicalDocument(document);
      const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
      let answer = await post({ variables, extensions: { persistedQuery } });
      if (answer.errors?.[0]?.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND')
        answer = await post({ query, variables, extensions: { persistedQuery } });
      if (answer.errors?.length) throw new GraphQLRequestError(answer.errors);
      return answer.data as never;
    },
  };
}
