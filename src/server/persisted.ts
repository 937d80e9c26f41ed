/**
 * Persisted operations: every operation in schema/operations gets a stable hash (SHA-256 of the
 * operation printed with the fragments it uses), as Apollo's persisted queries send it. A client
 * may send only `extensions.persistedQuery.sha256Hash`; a deployment may require that callers
 * without a key send only these operations (a safelist), while keyed analysts query freely.
 *
 * Apollo Client adds `__typename` to every selection before hashing, so its text of an operation
 * is not ours: schema/persisted-query-manifest.json (Apollo's manifest format, written by Apollo's
 * own tool, scripts/persisted-manifest.ts) lists the operations as Apollo Client sends them, and
 * the server accepts both texts by their hashes.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RequestHandler } from 'express';
import { Kind, parse, visit, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { canonicalText } from '../client/canonical.js';
import { phrase } from '../engines/message.js';
import { fail } from './refuse.js';

export interface PersistedOperation {
  name: string;
  hash: string;
  /** The operation and the fragments it uses, as persisted (canonical text). */
  document: string;
  /** The comment lines its file opens with: what the operation is for. */
  comment: string;
}

/** The shared operations (schema/operations), one file each, plus the fragments they share. */
export const OPERATIONS_DIR = fileURLToPath(new URL('../../schema/operations/', import.meta.url));
/** The same operations as Apollo Client sends them, in Apollo's persisted query manifest format. */
export const APOLLO_MANIFEST_FILE = fileURLToPath(
  new URL('../../schema/persisted-query-manifest.json', import.meta.url),
);

export interface ApolloManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: Array<{ id: string; name: string; type: 'query' | 'mutation' | 'subscription'; body: string }>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const leadingComment = (text: string) => /^(?:#.*\n)*/.exec(text)![0].trimEnd();

export function persistedOperations(dir = OPERATIONS_DIR): Map<string, PersistedOperation> {
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => readFileSync(`${dir}/${file}`, 'utf8'));
  const definitions = files.flatMap((text) =>
    parse(text).definitions.map((definition) => ({ definition, comment: leadingComment(text) })),
  );
  const fragments = new Map(
    definitions
      .map(({ definition }) => definition)
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  const used = (node: OperationDefinitionNode | FragmentDefinitionNode, into: Set<string>) => {
    visit(node, {
      FragmentSpread(spread) {
        if (into.has(spread.name.value)) return;
        into.add(spread.name.value);
        used(fragments.get(spread.name.value)!, into);
      },
    });
    return into;
  };
  const manifest = new Map<string, PersistedOperation>();
  for (const { definition: operation, comment } of definitions) {
    if (operation.kind !== Kind.OPERATION_DEFINITION) continue;
    const document = canonicalText(
      operation,
      [...used(operation, new Set())].map((n) => fragments.get(n)!),
    );
    const hash = sha256(document);
    manifest.set(hash, { name: operation.name!.value, hash, document, comment });
  }
  return manifest;
}

/** The committed Apollo manifest; its ids must be the SHA-256 of its bodies, as the safelist checks texts by hash. */
export function apolloManifest(file = APOLLO_MANIFEST_FILE): ApolloManifest {
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as ApolloManifest;
  if (manifest.format !== 'apollo-persisted-query-manifest' || manifest.version !== 1)
    throw new Error(`${file} is not an Apollo persisted query manifest of version 1`);
  const wrong = manifest.operations.find((op) => op.id !== sha256(op.body));
  if (wrong)
    throw new Error(`${file}: the id of ${wrong.name} is not the SHA-256 of its body; run npm run schema:print`);
  return manifest;
}

/** Every text the server accepts by hash, by its SHA-256: ours (canonical) and Apollo Client's. */
export function persistedDocuments(
  operations: Map<string, PersistedOperation>,
  apollo: ApolloManifest = apolloManifest(),
): Map<string, string> {
  return new Map([
    ...[...operations].map(([hash, op]): [string, string] => [hash, op.document]),
    ...apollo.operations.map((op): [string, string] => [op.id, op.body]),
  ]);
}

/** Fills in a persisted operation's text from its hash; with a safelist, refuses keyless free-form queries. */
export function persistedQueries(
  documents: Map<string, string>,
  options: { safelistAnonymous: boolean },
): RequestHandler {
  return (req, res, next) => {
    const body = req.body as
      { query?: unknown; extensions?: { persistedQuery?: { sha256Hash?: unknown } } } | undefined;
    if (!body || Array.isArray(body) || typeof body !== 'object') return next();
    const hash = body.extensions?.persistedQuery?.sha256Hash;
    if (typeof hash === 'string') {
      const known = documents.get(hash);
      if (known === undefined && typeof body.query !== 'string')
        return fail(req, res, 400, 'PERSISTED_QUERY_NOT_FOUND', phrase('error.PERSISTED_NOT_FOUND', { hash }));
      if (known !== undefined) body.query ??= known;
    }
    if (options.safelistAnonymous && !req.headers.authorization) {
      const text = typeof body.query === 'string' ? body.query : '';
      if (!documents.has(sha256(text)))
        return fail(req, res, 403, 'PERSISTED_QUERY_REQUIRED', phrase('error.PERSISTED_REQUIRED'));
    }
    next();
  };
}
